import type { RequestHandler } from 'express';
import { ValidationError } from '../core/errors.ts';

/** The path of the first string holding a NUL character, e.g. `to.0.name`, or null. */
function nulAt(value: unknown, path: string[] = []): string | null {
  if (typeof value === 'string') return value.includes('\0') ? path.join('.') || 'body' : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    const found = nulAt(inner, [...path, key]);
    if (found !== null) return found;
  }
  return null;
}

/**
 * PostgreSQL text cannot hold a NUL character, and no person types one: a form or API body (or query)
 * carrying one is a 400 naming the field, before it reaches a query and fails there as a 500.
 */
export const refuseNul: RequestHandler = (req, _res, next) => {
  const field = nulAt(req.body) ?? nulAt(req.query);
  if (field === null) return next();
  next(new ValidationError(`${field}: contains a NUL character, which text cannot hold. Remove it and try again.`, field));
};
