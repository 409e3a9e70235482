import type { ImapFlow, ListResponse } from 'imapflow';
import type { Ctx } from '../context.ts';
import type { Folder, Mailbox } from '../db/schema.ts';
import { ImapError, OAuthError } from '../errors.ts';
import { getMailbox, mailboxServers, ourAddresses, setMailboxState, stopSigningIn } from '../mailboxes/mailboxes.ts';
import { DEFAULT_FOLDER_LIMITS, FolderChanges, type FolderSyncLimits, storedFlags, syncFolder } from './folder-sync.ts';
import { connectImap, sentFolderPath, throttleDelayMs, toImapError } from './imap.ts';

export interface SyncOptions {
  signal: AbortSignal;
  /** How often folders other than INBOX are checked with STATUS. */
  pollMs?: number;
  /**
   * Reconnect backoff: first delay and ceiling; an authentication failure waits `authRetryMs`, four times
   * longer after each one up to `authMaxMs`, and after `authStopAfter` in a row the sync stops until the
   * mailbox is saved again (retrying a wrong password forever can lock the account); a server asking us to
   * slow down without saying for how long waits `throttledMs`.
   */
  backoff?: { baseMs: number; maxMs: number; authRetryMs: number; authMaxMs?: number; authStopAfter?: number; throttledMs?: number };
  limits?: Partial<FolderSyncLimits>;
  random?: () => number;
}

const DEFAULT_BACKOFF = { baseMs: 1_000, maxMs: 5 * 60_000, authRetryMs: 5 * 60_000, authMaxMs: 6 * 3600_000, authStopAfter: 6, throttledMs: 60_000 };
/** A connection that lived this long was healthy: the backoff starts again after it drops. */
const HEALTHY_SESSION_MS = 60_000;

/**
 * Keeps one mailbox in step with its IMAP server until the signal aborts: sync every folder we read,
 * then IDLE on INBOX, check the others cheaply with STATUS, and reconnect with backoff and jitter
 * after any drop. A server that accepts and drops at once meets a growing delay, never a login storm.
 * The server's mail is never marked read, moved or deleted.
 */
export async function runMailboxSync(ctx: Ctx, mailboxId: number, options: SyncOptions): Promise<void> {
  const backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  const random = options.random ?? Math.random;
  let failures = 0;
  let refusals = 0;
  while (!options.signal.aborted) {
    const started = ctx.clock.now().getTime();
    let delay = backoff.baseMs;
    try {
      await runSession(ctx, mailboxId, options);
    } catch (err) {
      if (options.signal.aborted) break;
      // A refused grant or token waits for an owner to reconnect: retrying could lock the account.
      if (err instanceof OAuthError && err.revoked) {
        ctx.log.warn({ mailboxId, err: err.message }, 'mailbox sync stopped until an owner reconnects it');
        break;
      }
      const mailbox = await getMailbox(ctx, mailboxId).catch(() => null);
      const e = err instanceof ImapError || err instanceof OAuthError ? err : toImapError(err, mailbox?.name ?? String(mailboxId));
      const words = e instanceof ImapError ? e.serverResponse : e.message;
      const authFailed = e instanceof ImapError && e.authFailed;
      failures = ctx.clock.now().getTime() - started > HEALTHY_SESSION_MS ? 1 : failures + 1;
      refusals = authFailed ? refusals + 1 : 0;
      if (refusals >= backoff.authStopAfter) {
        await stopSigningIn(ctx, mailboxId, words);
        ctx.log.warn({ mailboxId, refusals, err: e.message }, 'mailbox sync stopped trying to sign in until the mailbox is saved with the right password');
        break;
      }
      const growing = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (failures - 1));
      const throttled = throttleDelayMs(words, backoff.throttledMs);
      delay = authFailed ? Math.min(backoff.authMaxMs, backoff.authRetryMs * 4 ** (refusals - 1)) : throttled !== null ? Math.max(throttled, growing) : growing;
      delay = Math.round(delay * (0.5 + random() / 2));
      await setMailboxState(ctx, mailboxId, authFailed ? 'auth-error' : throttled !== null ? 'throttled' : 'error', words);
      ctx.log.warn({ mailboxId, err: e.message, retryInMs: delay }, 'mailbox sync stopped; will reconnect');
    }
    await ctx.clock.sleep(delay, options.signal);
  }
}

async function runSession(ctx: Ctx, mailboxId: number, options: SyncOptions): Promise<void> {
  const mailbox = await getMailbox(ctx, mailboxId);
  const client = await connectImap(mailboxServers(ctx, mailbox).imap, mailbox.name);
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  const onAbort = () => client.close();
  options.signal.addEventListener('abort', onAbort, { once: true });
  const limits = { ...DEFAULT_FOLDER_LIMITS, ...options.limits };
  const changes = new Map<string, FolderChanges>();
  const changesFor = (path: string) => changes.get(path) ?? changes.set(path, new FolderChanges()).get(path)!;
  // Listen before the first SELECT: with QRESYNC the answer to SELECT itself carries what changed.
  client.on('expunge', (e: { path: string; uid?: number }) => {
    if (e.uid) changesFor(e.path).vanished.add(e.uid);
    else changesFor(e.path).expungedUnknown = true;
  });
  client.on('flags', (e: { path: string; uid?: number; flags?: Set<string> }) => {
    if (e.uid && e.flags) changesFor(e.path).flags.set(e.uid, storedFlags(e.flags));
  });

  let failure: unknown = null;
  // One IMAP command stream per connection: every piece of work waits its turn.
  let work: Promise<void> = Promise.resolve();
  const enqueue = (fn: () => Promise<void>) => {
    work = work.then(fn).catch((err) => {
      failure ??= err;
      client.close();
    });
  };
  try {
    await setMailboxState(ctx, mailboxId, 'syncing');
    const folders = await ensureFolders(ctx, client, mailbox);
    const inbox = folders.find((f) => f.role === 'inbox')!;
    const sync = async (folder: Folder, historical: boolean) => {
      // A resync asked for while this session idles resets the folders: what they yield is old mail, not new.
      const old = historical || !(await getMailbox(ctx, mailboxId)).initial_sync_done;
      await syncFolder(ctx, client, { mailboxId, mailboxName: mailbox.name, folder, historical: old, ours: await ourAddresses(ctx), changes: changesFor(folder.path), limits });
    };
    // Until the first sync is complete, everything found is old mail: threaded, not drafted (but see finishInitialSync).
    const historical = !mailbox.initial_sync_done;
    for (const folder of folders.filter((f) => f.role !== 'inbox')) await sync(folder, historical);
    await sync(inbox, historical);
    if (historical) await finishInitialSync(ctx, mailboxId);
    await setMailboxState(ctx, mailboxId, 'idle');

    const syncInbox = () =>
      enqueue(async () => {
        await sync(inbox, false);
        await setMailboxState(ctx, mailboxId, 'idle');
      });
    client.on('exists', syncInbox);
    client.on('expunge', syncInbox);
    client.on('flags', syncInbox);
    const poll = setInterval(
      () =>
        enqueue(() =>
          pollOtherFolders(
            ctx,
            client,
            folders.filter((f) => f !== inbox),
            inbox,
            (f) => sync(f, false),
          ),
        ),
      options.pollMs ?? 30_000,
    );
    // Mail that landed between the first sync and IDLE.
    syncInbox();
    await closed;
    clearInterval(poll);
    await work;
    if (failure) throw failure;
    if (!options.signal.aborted) throw new ImapError(mailbox.name, 'the server closed the connection', false);
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    client.close();
  }
}

/**
 * STATUS is cheap: a folder is synced only when its UIDNEXT, count or HIGHESTMODSEQ moved. Syncing one
 * selects it, so INBOX is synced again after, which selects it back for IDLE (with QRESYNC, nothing missed).
 */
async function pollOtherFolders(ctx: Ctx, client: ImapFlow, others: Folder[], inbox: Folder, sync: (f: Folder) => Promise<void>): Promise<void> {
  let moved = false;
  for (const folder of others) {
    const status = await client.status(folder.path, { uidNext: true, messages: true, highestModseq: true });
    const stored = await ctx.db.selectFrom('folders').select(['uidnext', 'highestmodseq', 'messages_on_server']).where('id', '=', folder.id).executeTakeFirstOrThrow();
    if (!status || status.uidNext !== stored.uidnext || String(status.highestModseq ?? '') !== (stored.highestmodseq ?? '') || status.messages !== stored.messages_on_server) {
      await sync(folder);
      moved = true;
    }
  }
  if (moved) await sync(inbox);
}

const NEVER_SYNCED = ['\\all', '\\important', '\\flagged'];

/** imapflow names only RFC 6154's uses in `specialUse`; \Important (RFC 8457) is found among the flags. */
function repeatsOtherFolders(folder: ListResponse): boolean {
  return [folder.specialUse ?? '', ...folder.flags].some((flag) => NEVER_SYNCED.includes(flag.toLowerCase()));
}

/** The folders we read: INBOX, Sent (replies sent from other mail programs) and any configured for the mailbox. */
async function ensureFolders(ctx: Ctx, client: ImapFlow, mailbox: Mailbox): Promise<Folder[]> {
  const list = await client.list();
  const inbox = list.find((f) => f.specialUse === '\\Inbox' || f.path.toUpperCase() === 'INBOX')?.path ?? 'INBOX';
  const sent = await sentFolderPath(client, list);
  const wanted: Array<{ path: string; role: Folder['role'] }> = [
    { path: inbox, role: 'inbox' },
    { path: sent, role: 'sent' },
  ];
  for (const path of mailbox.extra_folders) {
    const found = list.find((f) => f.path === path);
    if (!found) throw new ImapError(mailbox.name, `the folder "${path}" set for this mailbox does not exist on the server`, false);
    // Gmail shows every message again in All Mail (and many in Important): reading those would only repeat INBOX and labels.
    if (repeatsOtherFolders(found)) {
      ctx.log.warn({ mailboxId: mailbox.id, folder: path }, 'not reading a folder that repeats mail from other folders');
      continue;
    }
    if (!wanted.some((w) => w.path === path)) wanted.push({ path, role: 'other' });
  }
  for (const w of wanted) {
    await ctx.db
      .insertInto('folders')
      .values({ mailbox_id: mailbox.id, path: w.path, role: w.role })
      .onConflict((oc) => oc.columns(['mailbox_id', 'path']).doUpdateSet({ role: w.role }))
      .execute();
  }
  return ctx.db
    .selectFrom('folders')
    .selectAll()
    .where('mailbox_id', '=', mailbox.id)
    .where(
      'path',
      'in',
      wanted.map((w) => w.path),
    )
    .orderBy('id')
    .execute();
}

async function finishInitialSync(ctx: Ctx, mailboxId: number): Promise<void> {
  await ctx.db.updateTable('mailboxes').set({ initial_sync_done: true }).where('id', '=', mailboxId).execute();
  // Old mail still waiting on us (recently) gets its drafts now that we know who wrote last.
  const waiting = await ctx.db
    .selectFrom('conversations')
    .select(['id', 'draft_wanted_for'])
    .where('mailbox_id', '=', mailboxId)
    .where('draft_wanted_for', 'is not', null)
    .execute();
  await ctx.jobs.draftsRequested(waiting.map((c) => ({ conversationId: c.id, messageId: c.draft_wanted_for! })));
}
