import { sql } from 'kysely';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import { FREE_MAIL_DOMAINS, organizationNameFromDomain } from '../customers/addresses.ts';
import type { AddressJson, Mailbox, OAuthJson } from '../db/schema.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { parseServerUrl, type ServerLogin, type ServerSettings } from '../mail/server-url.ts';
import { providerFilesSentCopy } from './oauth-providers.ts';
import { type GrantedTokens, mailboxTokens, sealedGrant } from './oauth-tokens.ts';
import { OurAddresses } from './our-addresses.ts';

/** A mailbox that signs in with OAuth2: the grant's public part, its tokens, and a client secret given with it. */
export interface OAuthGrant {
  grant: OAuthJson;
  tokens: GrantedTokens;
  clientSecret?: string | null;
}

export interface MailboxInput {
  name: string;
  email: string;
  imap: ServerSettings;
  smtp: ServerSettings;
  source: Mailbox['source'];
  extraFolders?: string[];
  /** Set: the mailbox signs in with these OAuth2 tokens, and the passwords are ignored. */
  oauth?: OAuthGrant;
}

export interface MailboxServers {
  imap: ServerLogin;
  smtp: ServerLogin;
}

const publicPart = ({ host, port, secure, plaintext, user }: ServerSettings) => JSON.stringify(plaintext ? { host, port, secure, plaintext, user } : { host, port, secure, user });

/**
 * Creates or updates the mailbox with this address; passwords and tokens are sealed before they reach the
 * database. Saving a new OAuth2 grant is also how a mailbox is reconnected: retries start again.
 */
export async function upsertMailbox(ctx: Ctx, input: MailboxInput): Promise<Mailbox> {
  const o = input.oauth;
  const values = {
    name: input.name,
    email: input.email.toLowerCase(),
    imap: publicPart(input.imap),
    imap_password: ctx.secrets.seal(o ? '' : input.imap.password),
    smtp: publicPart(input.smtp),
    smtp_password: ctx.secrets.seal(o ? '' : input.smtp.password),
    source: input.source,
    extra_folders: input.extraFolders ?? [],
    ...(o
      ? {
          auth: 'oauth2' as const,
          oauth: JSON.stringify(o.grant),
          oauth_client_secret: o.clientSecret ? ctx.secrets.seal(o.clientSecret) : null,
          files_sent_copy: providerFilesSentCopy(o.grant.provider),
          state: 'new',
          last_error: null,
          ...sealedGrant(ctx, o.tokens),
        }
      : {
          auth: 'password' as const,
          oauth: null,
          oauth_client_secret: null,
          oauth_refresh_token: null,
          oauth_access_token: null,
          oauth_refresh_at: null,
          needs_reconnect: false,
          files_sent_copy: false,
        }),
  };
  const { source: _source, ...changes } = values;
  return (
    ctx.db
      .insertInto('mailboxes')
      .values(values)
      // New settings restart the owning worker's sync with them.
      .onConflict((oc) => oc.column('email').doUpdateSet({ ...changes, sync_generation: sql<number>`mailboxes.sync_generation + 1` }))
      .returningAll()
      .executeTakeFirstOrThrow()
  );
}

export interface MailboxUrls {
  email: string;
  name?: string;
  imapUrl: string;
  smtpUrl: string;
  extraFolders?: string[];
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/** Settings as a person types them (`imaps://user:pass@host`), every problem named at once. */
export function mailboxFromUrls(input: MailboxUrls): Omit<MailboxInput, 'source'> {
  const problems: Array<[string, string]> = [];
  if (!EMAIL.test(input.email)) problems.push(['email', `"${input.email}" is not an email address`]);
  const imap = parseServerUrl(input.imapUrl, 'imap');
  if (typeof imap === 'string') problems.push(['imapUrl', `the IMAP URL ${imap}`]);
  const smtp = parseServerUrl(input.smtpUrl, 'smtp');
  if (typeof smtp === 'string') problems.push(['smtpUrl', `the SMTP URL ${smtp}`]);
  if (problems.length > 0 || typeof imap === 'string' || typeof smtp === 'string') {
    throw new ValidationError(`The mailbox cannot be saved: ${problems.map((p) => p[1]).join('; ')}.`, problems[0]![0], {
      problems: problems.map(([field, message]) => ({ field, message })),
    });
  }
  const email = input.email.trim().toLowerCase();
  return { email, name: input.name?.trim() || organizationNameFromDomain(email.split('@')[1]!), imap, smtp, extraFolders: input.extraFolders ?? [] };
}

/** Adds (or updates) a mailbox from URLs (the API, the command line). */
export async function addMailbox(ctx: Ctx, input: MailboxUrls, actorUserId: number | null): Promise<Mailbox> {
  return saveMailbox(ctx, mailboxFromUrls(input), actorUserId);
}

/**
 * A draft written before this address was ours (imported mail, say) has it as a recipient as if it were a
 * customer's: it comes off every pending draft, so no reply copies our own mailbox without anyone asking.
 */
async function dropFromPendingDrafts(ctx: Ctx, address: string): Promise<void> {
  const drafts = await ctx.db.selectFrom('drafts').select(['id', 'to', 'cc']).where('status', '=', 'pending').execute();
  const other = (list: AddressJson[]) => list.filter((a) => a.address.toLowerCase() !== address);
  for (const d of drafts) {
    const to = other(d.to);
    const cc = other(d.cc);
    if (to.length === d.to.length && cc.length === d.cc.length) continue;
    // One recipient at least: a draft that was only to us keeps it, and the new-recipient check names it.
    if (to.length === 0) continue;
    await ctx.db
      .updateTable('drafts')
      .set((eb) => ({ to: JSON.stringify(to), cc: JSON.stringify(cc), version: eb('version', '+', 1) }))
      .where('id', '=', d.id)
      .execute();
  }
}

/** Adds (or updates) a mailbox a person set up, audited. */
export async function saveMailbox(ctx: Ctx, input: Omit<MailboxInput, 'source'>, actorUserId: number | null): Promise<Mailbox> {
  const mailbox = await upsertMailbox(ctx, { ...input, source: 'ui' });
  await dropFromPendingDrafts(ctx, mailbox.email);
  await audit(ctx.db, ctx.clock.now(), {
    actorUserId,
    action: 'mailbox.saved',
    subjectType: 'mailbox',
    subjectId: mailbox.id,
    details: { email: mailbox.email, imap: mailbox.imap.host, smtp: mailbox.smtp.host },
  });
  return mailbox;
}

/**
 * "Sync again from the start": every UID is asked for again and treated as old mail, so missing messages
 * are backfilled and known ones only gain their locations; nothing is stored twice, nothing old is drafted.
 * The owning worker sees the new generation and restarts the mailbox's sync.
 */
export async function requestResync(ctx: Ctx, id: number, actorUserId: number | null): Promise<void> {
  await getMailbox(ctx, id);
  await ctx.db.transaction().execute(async (tx) => {
    await tx.updateTable('folders').set({ synced_uid: 0, highestmodseq: null }).where('mailbox_id', '=', id).execute();
    await tx
      .updateTable('mailboxes')
      .set((eb) => ({ initial_sync_done: false, sync_generation: eb('sync_generation', '+', 1), state: 'resync requested' }))
      .where('id', '=', id)
      .execute();
    await audit(tx, ctx.clock.now(), { actorUserId, action: 'mailbox.resync', subjectType: 'mailbox', subjectId: id });
  });
}

/**
 * Pauses or resumes a mailbox's sync (the owning worker lets it go, or a worker takes it up). Sending
 * from it is not affected: approved replies still go out.
 */
export async function setMailboxPaused(ctx: Ctx, id: number, paused: boolean, actorUserId: number | null): Promise<Mailbox> {
  return ctx.db.transaction().execute(async (tx) => {
    const mailbox = await tx.updateTable('mailboxes').set({ enabled: !paused }).where('id', '=', id).where('source', '!=', 'demo').returningAll().executeTakeFirst();
    if (!mailbox) throw new NotFoundError('Mailbox', id);
    await audit(tx, ctx.clock.now(), { actorUserId, action: paused ? 'mailbox.paused' : 'mailbox.resumed', subjectType: 'mailbox', subjectId: id });
    return mailbox;
  });
}

/**
 * Removes a mailbox and keeps the mail: conversations, messages and drafts stay (a reply then chooses
 * another mailbox to go from); its folders and sync positions go, and the record of sends already settled
 * (the sent messages themselves are stored). Refused while a reply is still to go out from it.
 */
export async function removeMailbox(ctx: Ctx, id: number, actorUserId: number | null): Promise<Mailbox> {
  return ctx.db.transaction().execute(async (tx) => {
    const mailbox = await tx.selectFrom('mailboxes').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!mailbox) throw new NotFoundError('Mailbox', id);
    if (mailbox.source === 'env')
      throw new ConflictError('mailbox_from_environment', `${mailbox.email} comes from LONGHAND_IMAP_URL: remove it there, or it comes back at the next start.`);
    const unsettled = await tx.selectFrom('outbox').select('id').where('mailbox_id', '=', id).where('state', 'in', ['queued', 'sending', 'uncertain']).execute();
    if (unsettled.length)
      throw new ConflictError(
        'mailbox_sending',
        `${unsettled.length} approved ${unsettled.length === 1 ? 'reply is' : 'replies are'} still to go out from ${mailbox.email}: let ${unsettled.length === 1 ? 'it' : 'them'} go out (or undo them) first.`,
      );
    await tx.deleteFrom('outbox').where('mailbox_id', '=', id).execute();
    await tx.deleteFrom('mailboxes').where('id', '=', id).execute();
    await audit(tx, ctx.clock.now(), { actorUserId, action: 'mailbox.removed', subjectType: 'mailbox', subjectId: id, details: { email: mailbox.email } });
    return mailbox;
  });
}

export async function listMailboxes(ctx: Ctx): Promise<Mailbox[]> {
  return ctx.db.selectFrom('mailboxes').selectAll().orderBy('id').execute();
}

export async function getMailbox(ctx: Ctx, id: number): Promise<Mailbox> {
  const row = await ctx.db.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('Mailbox', id);
  return row;
}

/** The mailbox's servers with their passwords or tokens: only for the code that connects, never for pages or logs. */
export function mailboxServers(ctx: Ctx, mailbox: Mailbox): MailboxServers {
  if (mailbox.auth === 'oauth2') {
    const tokens = mailboxTokens(ctx, mailbox.id);
    return { imap: { ...mailbox.imap, password: '', tokens }, smtp: { ...mailbox.smtp, password: '', tokens } };
  }
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

/** The password was refused too often: nothing is tried until an owner saves the mailbox again (upsert clears this). */
export async function stopSigningIn(ctx: Ctx, id: number, serverWords: string): Promise<void> {
  await ctx.db
    .updateTable('mailboxes')
    .set({ needs_reconnect: true, state: 'sign-in failed', last_error: serverWords, last_error_at: ctx.clock.now() })
    .where('id', '=', id)
    .execute();
}

/** Mail from us is outgoing; we never become customers and never get Cc'd on replies. */
export async function ourAddresses(ctx: Ctx): Promise<OurAddresses> {
  const [mailboxes, users] = await Promise.all([ctx.db.selectFrom('mailboxes').select('email').execute(), ctx.db.selectFrom('users').select('email').execute()]);
  const addresses = [...mailboxes, ...users].map((r) => r.email);
  if (ctx.config.mailbox) addresses.push(ctx.config.mailbox.from);
  const domains = new Set(
    addresses
      .filter((a) => mailboxes.some((m) => m.email === a) || a === ctx.config.mailbox?.from)
      .map((a) => a.slice(a.lastIndexOf('@') + 1).toLowerCase())
      .filter((d) => !FREE_MAIL_DOMAINS.has(d)),
  );
  return new OurAddresses(addresses, domains);
}
