import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ErrorCodes, type ErrorBody } from '@heyyo/contracts';
import { HeyyoError } from '@heyyo/chat';
import { describeValidationIssue } from './validation.ts';

/** Framework errors a client can cause, mapped to the wire format. */
const FRAMEWORK_ERRORS: Record<string, { status: number; body: Omit<ErrorBody, 'errorId'> }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    body: { error: 'Request body is too large', code: ErrorCodes.PAYLOAD_TOO_LARGE },
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    body: { error: 'Content-Type must be application/json', code: ErrorCodes.UNSUPPORTED_MEDIA_TYPE },
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    body: { error: 'Content-Length does not match the body', code: ErrorCodes.VALIDATION },
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    body: { error: 'Request body is not valid JSON', code: ErrorCodes.INVALID_JSON },
  },
};

/**
 * The one error handler: domain errors keep their status and text, validation
 * failures become a 400 sentence, anything unknown becomes a 500 with an
 * errorId that is also logged. No stack or SQL ever reaches a response.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HeyyoError) {
      return reply.status(error.status).send({ error: error.message, code: error.code } satisfies ErrorBody);
    }
    if (error.validation && error.validation.length > 0) {
      const message = describeValidationIssue(error.validation[0]!, error.validationContext ?? 'body');
      return reply.status(400).send({ error: message, code: ErrorCodes.VALIDATION } satisfies ErrorBody);
    }
    const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
    if (known) return reply.status(known.status).send(known.body);
    // The JSON parser's SyntaxError carries statusCode 400.
    if (error.statusCode === 400 && error instanceof SyntaxError) {
      return reply.status(400).send(FRAMEWORK_ERRORS.FST_ERR_CTP_INVALID_JSON_BODY!.body);
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      request.log.info({ err: error }, 'client error');
      return reply.status(error.statusCode).send({ error: 'Bad request', code: ErrorCodes.VALIDATION });
    }
    const errorId = randomUUID();
    request.log.error({ err: error, errorId }, 'unhandled error');
    return reply
      .status(500)
      .send({ error: 'Internal server error', code: ErrorCodes.INTERNAL, errorId } satisfies ErrorBody);
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: `Route ${request.method} ${request.url.split('?')[0]} not found`,
      code: ErrorCodes.ROUTE_NOT_FOUND,
    } satisfies ErrorBody),
  );
}
