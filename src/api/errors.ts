import { formatPath as configPath, issueMessage } from '../config/load.js';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import { ErrorCodes, IdsyncError, type ErrorCode } from '../errors.js';
import type { Logger } from '../log.js';
import { RateLimitedError } from '../auth/rate-limit.js';

/**
 * The one place API errors become responses: `{ error: { code, message, field? } }` with the
 * status ErrorCodes gives the code. Messages of IdsyncErrors are written for people and carry no
 * secrets (Secret prints as [redacted]); anything else is logged and answered with a generic
 * INTERNAL message, never a stack.
 */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string; issues?: { field: string; message: string }[] };
}

/** Errors whose `where` names a field of the request (set by the API layer, or a validation failure). */
const fieldErrors = new WeakSet<IdsyncError>();

export function fieldError(code: ErrorCode, message: string, field: string, cause?: unknown): IdsyncError {
  const e = new IdsyncError(code, message, { where: field, cause });
  fieldErrors.add(e);
  return e;
}

/** Re-points an error from deeper code at a request field (e.g. editUser's owned attribute). */
export function atField(err: unknown, field: string): unknown {
  if (!(err instanceof IdsyncError)) return err;
  return fieldError(err.code, err.message, field, err);
}

/** The request field a zod issue names ('' for the body itself); worded as the config file's errors. */
export function formatPath(p: (string | number)[]): string {
  return p.length ? configPath(p) : '';
}

/** A failed request validation: the first issue's path is the field; every issue is listed. */
export function validationError(err: ZodError, target: string): IdsyncError & { issues: { field: string; message: string }[] } {
  const issues = err.issues.map((i) => {
    // An unknown key's field is the key itself, not the object holding it.
    const path = i.code === 'unrecognized_keys' && i.keys.length === 1 ? [...i.path, i.keys[0]] : i.path;
    return { field: formatPath(path) || target, message: issueMessage(i) };
  });
  const first = issues[0];
  const e = fieldError('VALIDATION_FAILED', issues.map((i) => `${i.field}: ${i.message}`).join('; '), first?.field ?? target) as IdsyncError & {
    issues: typeof issues;
  };
  e.issues = issues;
  return e;
}

export function errorBody(e: IdsyncError): ErrorBody {
  const field = e.where !== undefined && (fieldErrors.has(e) || e.code === 'VALIDATION_FAILED') ? e.where : undefined;
  const issues = (e as { issues?: ErrorBody['error']['issues'] }).issues;
  return { error: { code: e.code, message: e.message, ...(field !== undefined ? { field } : {}), ...(issues && issues.length > 1 ? { issues } : {}) } };
}

function fromHttpException(err: HTTPException): IdsyncError {
  if (err.status === 413) return new IdsyncError('PAYLOAD_TOO_LARGE', 'the request body is too large');
  if (err.status === 400) return new IdsyncError('VALIDATION_FAILED', err.message || 'the request is malformed');
  if (err.status === 401) return new IdsyncError('AUTH_REQUIRED', 'authentication required');
  return new IdsyncError('INTERNAL', 'the request could not be handled');
}

export function toApiError(err: unknown, log: Logger): IdsyncError {
  if (err instanceof IdsyncError) {
    if (err.code === 'INTERNAL') {
      log.error({ err: err.message }, 'internal error in the admin API');
      return new IdsyncError('INTERNAL', 'internal error; see the idsync log');
    }
    return err;
  }
  if (err instanceof ZodError) return validationError(err, 'body');
  if (err instanceof HTTPException) return fromHttpException(err);
  log.error({ err: err instanceof Error ? err.message : String(err) }, 'unexpected error in the admin API');
  return new IdsyncError('INTERNAL', 'internal error; see the idsync log');
}

export function errorResponse(c: Context, err: unknown, log: Logger): Response {
  const e = toApiError(err, log);
  if (e instanceof RateLimitedError) c.header('Retry-After', String(e.retryAfterSeconds));
  return c.json(errorBody(e), ErrorCodes[e.code].http as 400);
}
