import { describe, expect, it } from 'vitest';
import { stateInWords } from '../../core/mailboxes/health.ts';

const base = { state: 'idle', enabled: true, auth: 'password' as const, needsReconnect: false, initialSyncDone: true, folders: [] };
const folder = (messages: number, synced: number) => ({
  path: 'INBOX',
  role: 'inbox',
  messages,
  synced,
  state: 'syncing',
  lastError: null,
  lastSyncedAt: null,
  lastProgressAt: null,
});

describe('a mailbox state as a person reads it', () => {
  it('counts the first sync with thousands separators', () => {
    expect(stateInWords({ ...base, state: 'syncing', initialSyncDone: false, folders: [folder(9000, 1200), folder(800, 40)] })).toBe('Catching up: 1,240 of 9,800');
  });

  it('says what each label means, never the label', () => {
    const labels = ['new', 'syncing', 'idle', 'auth-error', 'throttled', 'error', 'resync requested'];
    const words = labels.map((state) => stateInWords({ ...base, state }));
    expect(words).toEqual([
      'Waiting for its first sync',
      'Fetching new mail',
      'Signed in, up to date',
      'Sign-in refused: trying again later',
      'The server asked us to slow down: trying again shortly',
      'Cannot reach the server: trying again',
      'Syncing again from the start',
    ]);
    for (const w of words) expect(w).not.toMatch(/^[a-z-]+$/);
  });

  it('tells a stopped password mailbox from an expired OAuth2 one, and a paused one', () => {
    expect(stateInWords({ ...base, state: 'sign-in failed', needsReconnect: true })).toBe('Sign-in failed: fix the password');
    expect(stateInWords({ ...base, state: 'reconnect', auth: 'oauth2', needsReconnect: true })).toBe('Sign-in expired: reconnect');
    expect(stateInWords({ ...base, enabled: false })).toBe('Paused');
  });
});
