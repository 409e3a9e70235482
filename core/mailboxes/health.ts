import { sql } from 'kysely';
import type { Ctx } from '../context.ts';
import { describeServer } from '../mail/server-url.ts';

export interface FolderHealth {
  path: string;
  role: string;
  messages: number;
  synced: number;
  state: string;
  lastError: string | null;
  lastSyncedAt: Date | null;
}

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
  folders: FolderHealth[];
}

/** Each mailbox's sync health: how far it has come, and the last error in the server's own words. */
export async function mailboxHealth(ctx: Ctx): Promise<MailboxHealth[]> {
  const [mailboxes, folders] = await Promise.all([
    ctx.db.selectFrom('mailboxes').selectAll().orderBy('id').execute(),
    ctx.db
      .selectFrom('folders as f')
      .select((eb) => [
        'f.mailbox_id', 'f.path', 'f.role', 'f.messages_on_server', 'f.state', 'f.last_error', 'f.last_synced_at',
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
  ]);
  return mailboxes.map((m) => ({
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
    folders: folders
      .filter((f) => f.mailbox_id === m.id)
      .map((f) => ({ path: f.path, role: f.role, messages: f.messages_on_server, synced: Number(f.synced ?? 0), state: f.state, lastError: f.last_error, lastSyncedAt: f.last_synced_at })),
  }));
}
