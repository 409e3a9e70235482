import type { Ctx } from '../../core/context.ts';
import type { Mailbox } from '../../core/db/schema.ts';
import { upsertMailbox } from '../../core/mailboxes/mailboxes.ts';
import { US } from './followups.ts';

/** Our mailbox for tests that bring mail in by ingest: its servers are never reached, and its first sync counts as done. */
export async function offlineMailbox(ctx: Ctx): Promise<Mailbox> {
  const mailbox = await upsertMailbox(ctx, {
    name: 'Fernhill',
    email: US,
    imap: { host: '127.0.0.1', port: 1, secure: false, user: 'u', password: 'p' },
    smtp: { host: '127.0.0.1', port: 1, secure: false, user: '', password: '' },
    source: 'ui',
  });
  await ctx.db.updateTable('mailboxes').set({ initial_sync_done: true }).where('id', '=', mailbox.id).execute();
  return { ...mailbox, initial_sync_done: true };
}
