import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { ConflictError, LonghandError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

const STATUS: Record<string, number> = {
  invalid_input: 400,
  invalid_json: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  too_large: 413,
  too_many_attempts: 429,
  queue_unavailable: 503,
};

export interface HttpError {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Maps any error to what the client sees. Domain conflicts are 409; anything unexpected is a 500 without internals. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof ZodError) {
    const issue = err.issues[0]!;
    const field = issue.path.join('.') || 'body';
    return {
      status: 400,
      code: 'invalid_input',
      message: `${field}: ${issue.message}`,
      details: { field, issues: err.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) },
    };
  }
  if (err instanceof LonghandError) {
    return { status: STATUS[err.code] ?? (err instanceof ConflictError ? 409 : 500), code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  }
  const e = err as { type?: string; status?: number; message?: string; expose?: boolean };
  if (e?.type === 'entity.parse.failed') return { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' };
  if (e?.type === 'entity.too.large') return { status: 413, code: 'too_large', message: 'The request body is too large.' };
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return { status: 415, code: 'unsupported_encoding', message: `The request body cannot be read: ${e.message}. Send it as UTF-8, plain or compressed with gzip, deflate or br.` };
  // body-parser's own 400s (a body that is not what its Content-Encoding says, a broken stream).
  if (e?.status === 400 && e.expose)
    return { status: 400, code: 'invalid_body', message: `The request body cannot be read as its Content-Encoding says (gzip, deflate, br or none): ${e.message}.` };
  if (e?.status === 404) return { status: 404, code: 'not_found', message: 'Not found.' };
  return { status: 500, code: 'internal', message: 'Something went wrong on our side; it has been logged.' };
}

export function apiErrorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const h = toHttpError(err);
    if (h.status >= 500) log.error({ err, path: req.path }, 'request failed');
    res.status(h.status).json({ error: { code: h.code, message: h.message, ...(h.details ? { details: h.details } : {}) } });
  };
}
