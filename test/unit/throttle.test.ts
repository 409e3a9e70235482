import { describe, expect, it } from 'vitest';
import { throttleDelayMs, toImapError } from '../../core/mail/imap.ts';
import { refreshAt } from '../../core/mailboxes/oauth-tokens.ts';

describe('provider throttling answers', () => {
  it("reads Microsoft's suggested backoff and Gmail's throttling words as a wait, and anything else as no throttling", () => {
    expect(throttleDelayMs('Request is throttled. Suggested Backoff Time: 145329 milliseconds')).toBe(145_329);
    expect(throttleDelayMs('[THROTTLED] Account exceeded command or bandwidth limits.')).toBe(60_000);
    expect(throttleDelayMs('[ALERT] Too many simultaneous connections. (Failure)')).toBe(60_000);
    expect(throttleDelayMs('[AUTHENTICATIONFAILED] Invalid credentials (Failure)')).toBeNull();
    expect(throttleDelayMs('the server closed the connection')).toBeNull();
    // Dovecot's answer, as many hosting providers run it; the wait when none is suggested is the caller's.
    expect(throttleDelayMs('Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)', 500)).toBe(500);
  });

  it('does not take a login refused for too many connections as a wrong password or token', () => {
    const refused = (responseText: string) => Object.assign(new Error('Command failed'), { authenticationFailed: true, responseText });
    expect(toImapError(refused('Maximum number of connections from user+IP exceeded (mail_max_userip_connections=1)'), 'Support').authFailed).toBe(false);
    expect(toImapError(refused('[ALERT] Too many simultaneous connections. (Failure)'), 'Support').authFailed).toBe(false);
    expect(toImapError(refused('[AUTHENTICATIONFAILED] Invalid credentials (Failure)'), 'Support').authFailed).toBe(true);
  });
});

describe('when an access token is replaced', () => {
  const now = new Date('2026-12-03T09:00:00Z');
  it('five minutes before an hour-long token expires, at 80% of a short one, and after an hour when the provider says nothing', () => {
    expect(refreshAt(now, 3600).toISOString()).toBe('2026-12-03T09:55:00.000Z');
    expect(refreshAt(now, 5).getTime() - now.getTime()).toBe(4_000);
    expect(refreshAt(now, undefined).toISOString()).toBe('2026-12-03T09:55:00.000Z');
  });
});
