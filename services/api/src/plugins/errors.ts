import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import { ErrorCodes, type ErrorBody } from '@heyyo/contracts';
import { describeValidationIssue, type ValidationPart } from '@heyyo/contracts/validation';
import { createError, errorResponse, Errors, type HeyyoError } from '@heyyo/chat';

/** Framework errors a client can cause, as the domain errors they are. */
const FRAMEWORK_ERRORS: Record<string, () => HeyyoError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => createError(ErrorCodes.PAYLOAD_TOO_LARGE, 'Request body is too large', 413),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    createError(ErrorCodes.UNSUPPORTED_MEDIA_TYPE, 'Content-Type must be application/json', 415),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => Errors.validation('Content-Length does not match the body'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => createError(ErrorCodes.INVALID_JSON, 'Request body is not valid JSON', 400),
};

/** What Fastify threw, as a domain error when a client caused it; else as it is (a 500). */
function asDomainError(error: FastifyError, log: FastifyBaseLogger): unknown {
  if (error.validation && error.validation.length > 0) {
    return Errors.validation(describeValidationIssue(error.validation[0], (error.validationContext ?? 'body') as ValidationPart));
  }
  const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
  if (known) return known();
  // The JSON parser's SyntaxError carries statusCode 400.
  if (error.statusCode === 400 && error instanceof SyntaxError) return FRAMEWORK_ERRORS.FST_ERR_CTP_INVALID_JSON_BODY!();
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    log.info({ err: error }, 'client error');
    return createError(ErrorCodes.VALIDATION, 'Bad request', error.statusCode);
  }
  return error;
}

/**
 * The one error handler: everything goes through the error writer the socket acks use
 * too. Domain errors keep their status and text, validation failures become a 400
 * sentence, anything unknown a 500 with an errorId that is also logged.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, body, retryAfterSeconds } = errorResponse(asDomainError(error, request.log), {
      unexpected: (err, errorId) => request.log.error({ err, errorId }, 'unhandled error'),
      unavailable: (err) => request.log.warn({ err }, 'request refused: a dependency is unavailable'),
    });
    if (retryAfterSeconds !== undefined) reply.header('retry-after', retryAfterSeconds);
    return reply.status(status).send(body);
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: `Route ${request.method} ${request.url.split('?')[0]} not found`,
      code: ErrorCodes.ROUTE_NOT_FOUND,
    } satisfies ErrorBody),
  );
}
