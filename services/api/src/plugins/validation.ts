import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

/** An absolute http(s) URL: what a client may safely render as a link or image. */
const isHttpUrl = (value: string) => /^https?:\/\//i.test(value) && URL.canParse(value);

function compiler(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: false, strict: false, useDefaults: true, ...options });
  addFormats.default(ajv);
  ajv.addFormat('http-url', isHttpUrl);
  return ajv;
}

// Bodies are JSON and keep their types: "123" is not a number, and unknown fields are
// refused rather than silently dropped. URLs are text, so params and queries coerce.
const byPart: Record<string, Ajv> = {
  body: compiler({ coerceTypes: false, removeAdditional: false }),
  querystring: compiler({ coerceTypes: true, removeAdditional: false }),
  params: compiler({ coerceTypes: true, removeAdditional: false }),
  headers: compiler({ coerceTypes: true, removeAdditional: false }),
};

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (byPart[httpPart ?? 'body'] ?? byPart.body!).compile(schema as object);

interface AjvIssue {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

/** One sentence a developer can act on, e.g. "name is required". */
export function describeValidationIssue(issue: AjvIssue, part: string): string {
  const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const field = path || (part === 'body' ? 'Request body' : part);
  switch (issue.keyword) {
    case 'required':
      return `${path ? `${path}.` : ''}${String(issue.params.missingProperty)} is required`;
    case 'additionalProperties':
      return `${path ? `${path}: ` : ''}unknown field "${String(issue.params.additionalProperty)}"`;
    case 'type':
      return path || part !== 'body'
        ? `${field} must be of type ${String(issue.params.type)}`
        : 'Request body must be a JSON object';
    case 'format':
      return `${field} must be a valid ${String(issue.params.format)}`;
    default:
      return `${field} ${issue.message ?? 'is invalid'}`;
  }
}
