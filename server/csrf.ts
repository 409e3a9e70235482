import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { AuthenticationError, LonghandError } from '../core/errors.ts';

/**
 * Before anyone signs in there is no session to keep a CSRF token in, and storing one for every visit
 * to the sign-in page would let anyone fill the session table. So an anonymous form's token is a keyed
 * hash of a random value in a cookie of its own: checkable without storing anything, and not forgeable
 * by a site that can plant a cookie but does not know the secret.
 */
const PRE_SESSION_COOKIE = 'longhand.pre';

const keyed = (secret: string, nonce: string) => createHmac('sha256', secret).update(`csrf:${nonce}`).digest('base64url');

function preSessionNonce(req: Request): string | null {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === PRE_SESSION_COOKIE && value && /^[\w-]{32}$/.test(value)) return value;
  }
  return null;
}

/** The token a form of this page must send back: the session's once signed in, else the cookie-bound one. */
export function csrfToken(req: Request, res: Response, secret: string): string {
  if (req.session.userId) {
    req.session.csrf ??= randomBytes(24).toString('base64url');
    return req.session.csrf;
  }
  let nonce = preSessionNonce(req);
  if (!nonce) {
    nonce = randomBytes(24).toString('base64url');
    res.cookie(PRE_SESSION_COOKIE, nonce, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
  }
  return keyed(secret, nonce);
}

/**
 * Every state-changing request made with cookies must carry this page's CSRF token (a form field or the
 * X-CSRF-Token header). Token-authenticated API calls carry no cookie, so need none.
 */
export function checkCsrf(secret: string): RequestHandler {
  return (req, _res, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method) || req.authBy === 'token') return next();
    // Nobody signed in has nothing to forge on the API: say what is missing, as for a read.
    if (!req.user && req.path.startsWith('/api/')) return next(new AuthenticationError());
    const sent = String((req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token') ?? '');
    const nonce = req.session?.userId ? null : preSessionNonce(req);
    const expected = req.session?.userId ? (req.session.csrf ?? '') : nonce ? keyed(secret, nonce) : '';
    const ok = sent.length > 0 && sent.length === expected.length && timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
    if (!ok) return next(new LonghandError('csrf_failed', 'This form has expired or did not come from Longhand. Reload the page and try again.'));
    next();
  };
}
