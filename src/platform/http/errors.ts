import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, HTTP_STATUS } from '../errors.ts';

/** The one error handler: every error leaves as { error: { code, message } }; 5xx never leak internals. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    if (err instanceof AppError) {
      // 429/503 with a known wait tell clients when to come back (RFC 9110 Retry-After, whole seconds)
      const wait = Number(err.details?.retryAfterSeconds);
      if ((err.status === 429 || err.status === 503) && Number.isFinite(wait) && wait > 0) reply.header('retry-after', String(Math.ceil(wait)));
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      return reply.status(400).send({ error: { code: 'validation_failed', message: fe.message } });
    }
    if (fe.statusCode === 429) {
      return reply.status(429).send({ error: { code: 'rate_limited', message: 'too many requests, slow down' } });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      const code = fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'bad_request' : fe.statusCode === 404 ? 'not_found' : fe.statusCode === 401 ? 'unauthorized' : 'bad_request';
      return reply.status(fe.statusCode).send({ error: { code, message: fe.message } });
    }
    // text PostgreSQL cannot store (a NUL character, an invalid byte sequence) came from the client's input
    const pgCode = (err as { code?: unknown }).code;
    if (pgCode === '22021' || pgCode === '22P05') {
      return reply.status(400).send({ error: { code: 'validation_failed', message: 'the request contains characters that cannot be stored (e.g. a NUL character)' } });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(HTTP_STATUS.internal).send({ error: { code: 'internal', message: 'internal error' } });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ error: { code: 'not_found', message: `no route for ${req.method} ${req.url.split('?')[0]}` } });
  });
}
