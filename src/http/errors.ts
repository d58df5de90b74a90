// One error type and one middleware: every JSON error has the same shape and
// a 500 never leaks internals.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';

export const ERROR_CODES = {
  badRequest: 'bad_request',
  validation: 'validation_failed',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not_found',
  conflict: 'conflict',
  tooLarge: 'payload_too_large',
  unsupportedMedia: 'unsupported_media_type',
  rateLimited: 'rate_limited',
  unavailable: 'service_unavailable',
  internal: 'internal_error',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function fromZodError(error: ZodError): AppError {
  const details = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
  return new AppError(ERROR_CODES.validation, 400, summary || 'Invalid input', details);
}

/** Maps what express, body parsers and zod throw onto AppError. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return fromZodError(error);
  const e = error as { type?: string; status?: number; statusCode?: number };
  const status = e.status ?? e.statusCode;
  if (e.type === 'entity.too.large' || status === 413)
    return new AppError(ERROR_CODES.tooLarge, 413, 'Request body is too large');
  if (e.type === 'entity.parse.failed')
    return new AppError(ERROR_CODES.badRequest, 400, 'Request body is not valid JSON');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')
    return new AppError(ERROR_CODES.unsupportedMedia, 415, 'Unsupported body encoding');
  if (typeof status === 'number' && status >= 400 && status < 500)
    return new AppError(ERROR_CODES.badRequest, status, 'Bad request');
  if (isUnstorableValue(error))
    return new AppError(
      ERROR_CODES.validation,
      400,
      'A value in the request is out of range or contains characters that cannot be stored',
    );
  return new AppError(ERROR_CODES.internal, 500, 'Internal server error');
}

// Postgres refuses these values whatever the code around them does: an int4
// id past 2147483647 (Prisma P2020, SQLSTATE 22003) or text holding U+0000
// (22021). They come from the request, so they are the caller's 400, not a 500.
const UNSTORABLE_SQLSTATES = new Set(['22003', '22021', '22P05']);

function isUnstorableValue(error: unknown): boolean {
  const e = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | null;
  if (!e || typeof e.code !== 'string' || !e.code.startsWith('P2')) return false;
  if (e.code === 'P2020') return true;
  const sqlState = e.meta?.driverAdapterError?.cause?.originalCode;
  return typeof sqlState === 'string' && UNSTORABLE_SQLSTATES.has(sqlState);
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(new AppError(ERROR_CODES.notFound, 404, 'Not found'));
};

/** JSON errors; pages register their own HTML handler before this one. */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const appError = toAppError(error);
  if (appError.status >= 500) req.log?.error({ err: error, event: 'http_error' }, 'request failed');
  if (res.headersSent) {
    res.end();
    return;
  }
  const body: { code: string; message: string; details?: unknown } = { code: appError.code, message: appError.message };
  if (appError.details !== undefined) body.details = appError.details;
  res.status(appError.status).json({ error: body });
};
