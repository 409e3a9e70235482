import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Links the server hands out that work without a session for a while: the images inside a sandboxed
 * message frame are requested from an opaque origin, so the browser sends them no cookie. The
 * signature names what the link is for and what it points to, and when it stops working.
 */
export interface UrlSigner {
  /** Query parameters `e` (expiry, Unix seconds) and `s` (signature) for this purpose and value. */
  sign(purpose: string, value: string, now: Date): { e: string; s: string };
  verify(purpose: string, value: string, e: unknown, s: unknown, now: Date): boolean;
}

const TTL_SECONDS = 3600;

export function urlSigner(secret: string): UrlSigner {
  const key = Buffer.from(hkdfSync('sha256', secret, 'longhand', 'signed-urls', 32));
  const mac = (purpose: string, value: string, e: string): Buffer => createHmac('sha256', key).update(`${purpose}\n${e}\n${value}`).digest();
  return {
    sign(purpose, value, now) {
      const e = String(Math.floor(now.getTime() / 1000) + TTL_SECONDS);
      return { e, s: mac(purpose, value, e).toString('base64url') };
    },
    verify(purpose, value, e, s, now) {
      if (typeof e !== 'string' || typeof s !== 'string' || !/^\d{1,12}$/.test(e)) return false;
      if (Number(e) * 1000 < now.getTime()) return false;
      const given = Buffer.from(s, 'base64url');
      const expected = mac(purpose, value, e);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
