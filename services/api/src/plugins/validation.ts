import type { FastifySchemaCompiler } from 'fastify';
import { compileValidator, type ValidationPart } from '@heyyo/contracts/validation';

/** Fastify compiles every route's body, query and params with the contracts' one validator. */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  compileValidator(schema as object, (httpPart ?? 'body') as ValidationPart);
