import type { Ctx } from '../context.ts';
import type { Mailbox } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import type { ServerSettings } from '../mail/server-url.ts';

export interface MailboxInput {
  name: string;
  email: string;
  imap: ServerSettings;
  smtp: ServerSettings;
  source: Mailbox['source'];
}

export interface MailboxServers {
  imap: ServerSettings;
  smtp: ServerSettings;
}

const publicPart = ({ host, port, secure, user }: ServerSettings) => JSON.stringify({ host, port, secure, user });

/** Creates or updates the mailbox with this address; passwords are sealed before they reach the database. */
export async function upsertMailbox(ctx: Ctx, input: MailboxInput): Promise<Mailbox> {
  const values = {
    name: input.name,
    email: input.email.toLowerCase(),
    imap: publicPart(input.imap),
    imap_password: ctx.secrets.seal(input.imap.password),
    smtp: publicPart(input.smtp),
    smtp_password: ctx.secrets.seal(input.smtp.password),
    source: input.source,
  };
  const { source: _source, ...changes } = values;
  return ctx.db
    .insertInto('mailboxes')
    .values(values)
    .onConflict((oc) => oc.column('email').doUpdateSet(changes))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listMailboxes(ctx: Ctx): Promise<Mailbox[]> {
  return ctx.db.selectFrom('mailboxes').selectAll().orderBy('id').execute();
}

export async function getMailbox(ctx: Ctx, id: number): Promise<Mailbox> {
  const row = await ctx.db.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('Mailbox', id);
  return row;
}

/** The mailbox's servers with their passwords: only for the code that connects, never for pages or logs. */
export function mailboxServers(ctx: Ctx, mailbox: Mailbox): MailboxServers {
  return {
    imap: { ...mailbox.imap, password: ctx.secrets.open(mailbox.imap_password) },
    smtp: { ...mailbox.smtp, password: ctx.secrets.open(mailbox.smtp_password) },
  };
}

export async function setMailboxState(ctx: Ctx, id: number, state: string, error: string | null = null): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db
    .updateTable('mailboxes')
    .set(error ? { state, last_error: error, last_error_at: now } : { state, last_error: null, ...(state === 'idle' ? { last_synced_at: now } : {}) })
    .where('id', '=', id)
    .execute();
}

/**
 * Addresses that are us: every mailbox and every staff member. Mail from them is outgoing;
 * they never become customers and never get Cc'd on replies.
 */
export async function ourAddresses(ctx: Ctx): Promise<Set<string>> {
  const [mailboxes, users] = await Promise.all([
    ctx.db.selectFrom('mailboxes').select('email').execute(),
    ctx.db.selectFrom('users').select('email').execute(),
  ]);
  const set = new Set([...mailboxes, ...users].map((r) => r.email.toLowerCase()));
  if (ctx.config.mailbox) set.add(ctx.config.mailbox.from);
  return set;
}
