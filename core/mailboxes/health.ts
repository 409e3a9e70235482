import { sql } from 'kysely';
import type { Ctx } from '../context.ts';
import { describeServer } from '../mail/server-url.ts';

export interface FolderHealth {
  path: string;
  role: string;
  /** Messages in the folder on the server, at our last look. */
  messages: number;
  /** Of those, how many we have stored. */
  synced: number;
  state: string;
  lastError: string | null;
  lastSyncedAt: Date | null;
  lastProgressAt: Date | null;
}

/** No word from the worker that owns a mailbox for this long, and its sync is shown as stalled. */
export const STALLED_AFTER_MS = 2 * 60_000;

export interface MailboxHealth {
  id: number;
  name: string;
  email: string;
  imap: string;
  smtp: string;
  enabled: boolean;
  state: string;
  lastError: string | null;
  lastErrorAt: Date | null;
  lastSyncedAt: Date | null;
  initialSyncDone: boolean;
  /** Messages on the server not stored yet, over all folders. */
  behind: number;
  /** True when no worker has reported on this (enabled) mailbox for STALLED_AFTER_MS. */
  stalled: boolean;
  ownerWorker: string | null;
  heartbeatAt: Date | null;
  folders: FolderHealth[];
  auth: 'password' | 'oauth2';
  /** For OAuth2: the provider, and who consented when (never a token). */
  oauth: { provider: string; consentedBy: { id: number; name: string } | null; consentedAt: Date } | null;
  /** The sign-in expired or was revoked: nothing is retried until an owner reconnects. */
  needsReconnect: boolean;
  /** The state as a person reads it: "Catching up: 1,240 of 9,800", "Signed in, up to date", "Sign-in failed: fix the password". */
  stateWords: string;
}

const count = (n: number) => n.toLocaleString('en-US');

/** A mailbox's state in words, never a raw label such as `auth-error`. */
export function stateInWords(m: Pick<MailboxHealth, 'state' | 'enabled' | 'auth' | 'needsReconnect' | 'initialSyncDone' | 'folders'>): string {
  if (m.needsReconnect) return m.auth === 'oauth2' ? 'Sign-in expired: reconnect' : 'Sign-in failed: fix the password';
  if (m.state === 'demo') return 'Demo mailbox: replies are captured, nothing is fetched';
  if (!m.enabled) return 'Paused';
  const stored = m.folders.reduce((n, f) => n + f.synced, 0);
  const onServer = m.folders.reduce((n, f) => n + f.messages, 0);
  switch (m.state) {
    case 'new':
      return 'Waiting for its first sync';
    case 'syncing':
      return m.initialSyncDone ? 'Fetching new mail' : `Catching up: ${count(stored)} of ${count(onServer)}`;
    case 'idle':
      return 'Signed in, up to date';
    case 'auth-error':
      return 'Sign-in refused: trying again later';
    case 'throttled':
      return 'The server asked us to slow down: trying again shortly';
    case 'error':
      return 'Cannot reach the server: trying again';
    case 'resync requested':
      return 'Syncing again from the start';
    default:
      return m.state;
  }
}

/** Each mailbox's sync health: how far it has come, and the last error in the server's own words. */
export async function mailboxHealth(ctx: Ctx): Promise<MailboxHealth[]> {
  const [mailboxes, folders, users] = await Promise.all([
    ctx.db.selectFrom('mailboxes').selectAll().orderBy('id').execute(),
    ctx.db
      .selectFrom('folders as f')
      .select((eb) => [
        'f.mailbox_id',
        'f.path',
        'f.role',
        'f.messages_on_server',
        'f.state',
        'f.last_error',
        'f.last_synced_at',
        'f.last_progress_at',
        eb
          .selectFrom('message_locations as l')
          .select(sql<number>`count(*)`.as('n'))
          .whereRef('l.folder_id', '=', 'f.id')
          .whereRef('l.uidvalidity', '=', 'f.uidvalidity')
          .where('l.expunged_at', 'is', null)
          .as('synced'),
      ])
      .orderBy('f.id')
      .execute(),
    ctx.db.selectFrom('users').select(['id', 'name']).execute(),
  ]);
  const now = ctx.clock.now().getTime();
  return mailboxes.map((m): MailboxHealth => {
    const own: FolderHealth[] = folders
      .filter((f) => f.mailbox_id === m.id)
      .map((f) => ({
        path: f.path,
        role: f.role,
        messages: f.messages_on_server,
        synced: Number(f.synced ?? 0),
        state: f.state,
        lastError: f.last_error,
        lastSyncedAt: f.last_synced_at,
        lastProgressAt: f.last_progress_at,
      }));
    const health = {
      id: m.id,
      name: m.name,
      email: m.email,
      imap: describeServer(m.imap, 'imap'),
      smtp: describeServer(m.smtp, 'smtp'),
      enabled: m.enabled,
      state: m.state,
      lastError: m.last_error,
      lastErrorAt: m.last_error_at,
      lastSyncedAt: m.last_synced_at,
      initialSyncDone: m.initial_sync_done,
      behind: own.reduce((n, f) => n + Math.max(0, f.messages - f.synced), 0),
      stalled: m.enabled && !m.needs_reconnect && m.source !== 'demo' && (!m.heartbeat_at || now - m.heartbeat_at.getTime() > STALLED_AFTER_MS),
      ownerWorker: m.owner_worker,
      heartbeatAt: m.heartbeat_at,
      folders: own,
      auth: m.auth,
      oauth: m.oauth ? { provider: m.oauth.provider, consentedBy: users.find((u) => u.id === m.oauth!.consentedBy) ?? null, consentedAt: new Date(m.oauth.consentedAt) } : null,
      needsReconnect: m.needs_reconnect,
    };
    return { ...health, stateWords: stateInWords(health) };
  });
}

/** The owning worker says it is alive and syncing these mailboxes. */
export async function recordOwnerHeartbeat(ctx: Ctx, mailboxIds: number[], workerId: string): Promise<void> {
  if (mailboxIds.length === 0) return;
  await ctx.db.updateTable('mailboxes').set({ owner_worker: workerId, heartbeat_at: ctx.clock.now() }).where('id', 'in', mailboxIds).execute();
}
