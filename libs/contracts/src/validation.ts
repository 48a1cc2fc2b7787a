/**
 * The one validator of wire shapes, for both transports: Fastify compiles REST bodies,
 * queries and params with it, the gateway compiles socket payloads with it, and tests
 * check outgoing responses, acks and events with it. One bad field gives one sentence,
 * whichever transport it came through.
 */
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { findHygieneIssue } from './input-hygiene.ts';

/** Where a value came from: a REST request part, a socket payload, or something we send. */
export type ValidationPart = 'body' | 'querystring' | 'params' | 'headers' | 'payload' | 'response';

export type ValidationIssue = Pick<ErrorObject, 'keyword' | 'instancePath' | 'params' | 'message'>;

/** A compiled schema: true when the value conforms; else `errors` holds the first issue. */
export type Validator = ValidateFunction;

/** An absolute http(s) URL: what a client may safely render as a link or image. */
const isHttpUrl = (value: string) => /^https?:\/\//i.test(value) && URL.canParse(value);

function createAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: false, strict: false, ...options });
  addFormats.default(ajv);
  ajv.addFormat('http-url', isHttpUrl);
  return ajv;
}

// JSON keeps its types: "123" is not a number, and unknown fields are refused rather than
// silently dropped. URLs are text, so params and queries coerce. What we send is checked
// as it is: no coercion, no defaults filled in.
const ajvs = {
  json: createAjv({ coerceTypes: false, useDefaults: true, removeAdditional: false }),
  text: createAjv({ coerceTypes: true, useDefaults: true, removeAdditional: false }),
  outgoing: createAjv({ coerceTypes: false, useDefaults: false, removeAdditional: false }),
};

const ajvFor = (part: ValidationPart) =>
  part === 'querystring' || part === 'params' || part === 'headers' ? ajvs.text : part === 'response' ? ajvs.outgoing : ajvs.json;

/**
 * A validator for one schema and part; `errors` holds the first issue when it returns false.
 * What a client sends meets the input hygiene rules first (no NUL, no lone surrogate, bounded
 * depth), whatever its schema allows.
 */
export function compileValidator(schema: TSchema | object, part: ValidationPart): Validator {
  const validateSchema = ajvFor(part).compile(schema);
  if (part === 'response') return validateSchema;
  const validate = ((data: unknown) => {
    const issue = findHygieneIssue(data);
    if (issue) {
      validate.errors = [{ keyword: 'hygiene', schemaPath: '#', params: {}, ...issue }];
      return false;
    }
    const valid = validateSchema(data);
    validate.errors = validateSchema.errors;
    return valid;
  }) as Validator;
  validate.schema = validateSchema.schema;
  validate.schemaEnv = validateSchema.schemaEnv;
  return validate;
}

const PART_NAMES: Record<ValidationPart, string> = {
  body: 'Request body',
  querystring: 'Query string',
  params: 'Path parameters',
  headers: 'Headers',
  payload: 'Payload',
  response: 'Response',
};

/** One sentence a developer can act on, e.g. "name is required" or "text must be of type string". */
export function describeValidationIssue(issue: ValidationIssue | undefined, part: ValidationPart): string {
  const whole = PART_NAMES[part];
  if (!issue) return `${whole} is invalid`;
  const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const field = path || whole;
  switch (issue.keyword) {
    case 'required':
      return `${path ? `${path}.` : ''}${String(issue.params.missingProperty)} is required`;
    case 'additionalProperties':
      return `${path ? `${path}: ` : ''}unknown field "${String(issue.params.additionalProperty)}"`;
    case 'type':
      return path || part === 'querystring' || part === 'params' || part === 'headers'
        ? `${field} must be of type ${String(issue.params.type)}`
        : `${whole} must be a JSON ${String(issue.params.type)}`;
    case 'format':
      return `${field} must be a valid ${String(issue.params.format)}`;
    case 'enum':
      return `${field} must be one of ${(issue.params.allowedValues as unknown[]).map(String).join(', ')}`;
    default:
      return `${field} ${issue.message ?? 'is invalid'}`;
  }
}

/** Validates `value`; returns the sentence describing its first issue, or undefined when it conforms. */
export function checkShape(validate: Validator, value: unknown, part: ValidationPart): string | undefined {
  return validate(value) ? undefined : describeValidationIssue(validate.errors?.[0], part);
}
