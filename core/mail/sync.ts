import type { FetchMessageObject, ImapFlow } from 'imapflow';
import type { Ctx } from '../context.ts';
import type { Folder, Mailbox } from '../db/schema.ts';
import { ImapError } from '../errors.ts';
import { getMailbox, mailboxServers, ourAddresses, setMailboxState } from '../mailboxes/mailboxes.ts';
import { connectImap, sentFolderPath, toImapError } from './imap.ts';
import { ingestMessage } from './ingest.ts';

export interface SyncOptions {
  signal: AbortSignal;
  /** How often folders other than INBOX are checked with STATUS. */
  pollMs?: number;
  /** Reconnect backoff: first delay and ceiling; an authentication failure waits `authRetryMs`. */
  backoff?: { baseMs: number; maxMs: number; authRetryMs: number };
  /** Largest message fetched whole; larger ones are stored from their headers with a warning. */
  maxMessageBytes?: number;
  /** Bytes of message sources held in memory at once during a sync: memory stays flat whatever the mailbox size. */
  batchBytes?: number;
  random?: () => number;
}

const DEFAULTS = { pollMs: 30_000, backoff: { baseMs: 1_000, maxMs: 5 * 60_000, authRetryMs: 5 * 60_000 }, maxMessageBytes: 50 * 1024 * 1024, batchBytes: 16 * 1024 * 1024 };
const BATCH_MAX_MESSAGES = 250;

/**
 * Keeps one mailbox in step with its IMAP server until the signal aborts: sync every folder we read,
 * then IDLE on INBOX, check the others cheaply with STATUS, and reconnect with backoff and jitter
 * after any drop. The server's mail is never marked read, moved or deleted.
 */
export async function runMailboxSync(ctx: Ctx, mailboxId: number, options: SyncOptions): Promise<void> {
  const o = { ...DEFAULTS, ...options, backoff: { ...DEFAULTS.backoff, ...options.backoff } };
  const random = options.random ?? Math.random;
  let failures = 0;
  while (!o.signal.aborted) {
    const started = Date.now();
    let delay: number;
    try {
      await runSession(ctx, mailboxId, o);
      delay = o.backoff.baseMs;
    } catch (err) {
      const mailbox = await getMailbox(ctx, mailboxId).catch(() => null);
      const e = err instanceof ImapError ? err : toImapError(err, mailbox?.name ?? String(mailboxId));
      if (o.signal.aborted) break;
      // A connection that lived a while was healthy: start the backoff again.
      failures = Date.now() - started > 60_000 ? 1 : failures + 1;
      delay = e.authFailed ? o.backoff.authRetryMs : Math.min(o.backoff.maxMs, o.backoff.baseMs * 2 ** (failures - 1));
      delay = Math.round(delay * (0.5 + random() / 2));
      await setMailboxState(ctx, mailboxId, e.authFailed ? 'auth-error' : 'error', e.serverResponse);
      ctx.log.warn({ mailboxId, err: e.message, retryInMs: delay }, 'mailbox sync stopped; will reconnect');
    }
    await sleep(delay, o.signal);
  }
}

type Resolved = typeof DEFAULTS & SyncOptions;

async function runSession(ctx: Ctx, mailboxId: number, o: Resolved): Promise<void> {
  const mailbox = await getMailbox(ctx, mailboxId);
  const client = await connectImap(mailboxServers(ctx, mailbox).imap, mailbox.name);
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  const onAbort = () => client.close();
  o.signal.addEventListener('abort', onAbort, { once: true });
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
    for (const folder of folders) await syncFolder(ctx, client, mailbox, folder, o);
    if (!mailbox.initial_sync_done) await finishInitialSync(ctx, mailboxId);
    await client.mailboxOpen(inbox.path, { readOnly: true });
    await setMailboxState(ctx, mailboxId, 'idle');

    const syncInbox = () => enqueue(async () => {
      await syncFolder(ctx, client, { ...mailbox, initial_sync_done: true }, inbox, o);
      await setMailboxState(ctx, mailboxId, 'idle');
    });
    client.on('exists', syncInbox);
    client.on('expunge', syncInbox);
    client.on('flags', syncInbox);
    const poll = setInterval(() => enqueue(async () => {
      for (const folder of folders.filter((f) => f.role !== 'inbox')) {
        const status = await client.status(folder.path, { uidNext: true, messages: true, highestModseq: true });
        const stored = await ctx.db.selectFrom('folders').select(['uidnext', 'highestmodseq', 'messages_on_server']).where('id', '=', folder.id).executeTakeFirstOrThrow();
        const changed = status && (status.uidNext !== stored.uidnext || String(status.highestModseq ?? '') !== (stored.highestmodseq ?? '') || status.messages !== stored.messages_on_server);
        if (changed) {
          await syncFolder(ctx, client, { ...mailbox, initial_sync_done: true }, folder, o);
          await client.mailboxOpen(inbox.path, { readOnly: true });
        }
      }
    }), o.pollMs);
    // Mail that landed between the first sync and opening INBOX.
    syncInbox();
    await closed;
    clearInterval(poll);
    await work;
    if (failure) throw failure;
    if (!o.signal.aborted) throw new ImapError(mailbox.name, 'the server closed the connection', false);
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    client.close();
  }
}

/** The folders we read: INBOX, and Sent so replies sent from other mail programs join their conversations. */
async function ensureFolders(ctx: Ctx, client: ImapFlow, mailbox: Mailbox): Promise<Folder[]> {
  const list = await client.list();
  const inbox = list.find((f) => f.specialUse === '\\Inbox' || f.path.toUpperCase() === 'INBOX')?.path ?? 'INBOX';
  const sent = await sentFolderPath(client, list);
  const wanted: Array<{ path: string; role: Folder['role'] }> = [{ path: inbox, role: 'inbox' }, { path: sent, role: 'sent' }];
  for (const w of wanted) {
    await ctx.db.insertInto('folders').values({ mailbox_id: mailbox.id, path: w.path, role: w.role }).onConflict((oc) => oc.columns(['mailbox_id', 'path']).doUpdateSet({ role: w.role })).execute();
  }
  return ctx.db.selectFrom('folders').selectAll().where('mailbox_id', '=', mailbox.id).where('path', 'in', wanted.map((w) => w.path)).orderBy('role').execute();
}

/**
 * Brings one folder up to date: new UIDs after the stored one, in batches bounded by count and bytes;
 * a UIDVALIDITY change re-maps the folder (known messages only gain a location, nothing is drafted);
 * UIDs gone from the server are marked expunged and flags are refreshed.
 */
export async function syncFolder(ctx: Ctx, client: ImapFlow, mailbox: Mailbox, folder: Folder, o: Resolved): Promise<void> {
  const lock = await client.getMailboxLock(folder.path, { readOnly: true });
  try {
    const box = client.mailbox;
    if (!box) throw new ImapError(mailbox.name, `could not open folder ${folder.path}`, false);
    const uidvalidity = String(box.uidValidity);
    const stored = await ctx.db.selectFrom('folders').selectAll().where('id', '=', folder.id).executeTakeFirstOrThrow();
    const reset = stored.uidvalidity !== null && stored.uidvalidity !== uidvalidity;
    let syncedUid = reset ? 0 : stored.synced_uid;
    if (reset) ctx.log.info({ mailboxId: mailbox.id, folder: folder.path, from: stored.uidvalidity, to: uidvalidity }, 'UIDVALIDITY changed: re-mapping the folder');
    await ctx.db.updateTable('folders').set({ uidvalidity, synced_uid: syncedUid, messages_on_server: box.exists, state: 'syncing', last_error: null }).where('id', '=', folder.id).execute();

    const historical = !mailbox.initial_sync_done || reset;
    const ours = await ourAddresses(ctx);
    const all = box.exists > 0 ? ((await client.search({ all: true }, { uid: true })) || []) : [];
    const fresh = all.filter((uid) => uid > syncedUid).sort((a, b) => a - b);
    for (let i = 0; i < fresh.length; ) {
      const batch = await sizedBatch(client, fresh.slice(i, i + BATCH_MAX_MESSAGES), o.batchBytes);
      const fetched = await fetchSources(client, batch, o.maxMessageBytes);
      for (const m of fetched) {
        await ingestMessage(ctx, { source: m.source, origin: 'imap', mailboxId: mailbox.id, historical, location: { folderId: folder.id, uidvalidity, uid: m.uid, flags: m.flags, modseq: m.modseq } }, ours);
      }
      syncedUid = batch[batch.length - 1]!;
      await ctx.db.updateTable('folders').set({ synced_uid: syncedUid }).where('id', '=', folder.id).execute();
      i += batch.length;
    }
    await reconcile(ctx, client, folder.id, uidvalidity, all, reset ? null : stored.highestmodseq);
    await ctx.db
      .updateTable('folders')
      .set({ uidnext: box.uidNext, highestmodseq: box.highestModseq ? String(box.highestModseq) : null, messages_on_server: box.exists, state: 'idle', last_synced_at: ctx.clock.now() })
      .where('id', '=', folder.id)
      .execute();
  } finally {
    lock.release();
  }
}

/** Takes UIDs from the front of the list until the batch would hold more than `maxBytes` of mail. */
async function sizedBatch(client: ImapFlow, uids: number[], maxBytes: number): Promise<number[]> {
  const sizes = new Map<number, number>();
  for await (const m of client.fetch(uids.join(','), { uid: true, size: true }, { uid: true })) sizes.set(m.uid, m.size ?? 0);
  const batch: number[] = [];
  let bytes = 0;
  for (const uid of uids) {
    bytes += sizes.get(uid) ?? 0;
    if (batch.length > 0 && bytes > maxBytes) break;
    batch.push(uid);
  }
  return batch;
}

interface Fetched {
  uid: number;
  source: Buffer;
  flags: string[];
  modseq: string | null;
}

/** Fetches whole sources (BODY.PEEK, so nothing is marked read); oversized messages only their headers. */
async function fetchSources(client: ImapFlow, uids: number[], maxBytes: number): Promise<Fetched[]> {
  const out: Fetched[] = [];
  const big: number[] = [];
  // Collect first, act after: issuing commands inside a fetch loop deadlocks imapflow.
  for await (const m of client.fetch(uids.join(','), { uid: true, size: true, flags: true }, { uid: true })) {
    if ((m.size ?? 0) > maxBytes) big.push(m.uid);
  }
  const small = uids.filter((u) => !big.includes(u));
  if (small.length > 0) {
    for await (const m of client.fetch(small.join(','), { uid: true, source: true, flags: true }, { uid: true })) out.push(toFetched(m, m.source ?? Buffer.alloc(0)));
  }
  if (big.length > 0) {
    for await (const m of client.fetch(big.join(','), { uid: true, headers: true, flags: true, size: true }, { uid: true })) {
      const note = Buffer.from(`\r\n[Longhand: this message is ${m.size} bytes, over the ${maxBytes}-byte limit; only its headers were stored. The whole message is still on the mail server.]\r\n`);
      out.push(toFetched(m, Buffer.concat([m.headers ?? Buffer.alloc(0), note])));
    }
  }
  return out.sort((a, b) => a.uid - b.uid);
}

function toFetched(m: FetchMessageObject, source: Buffer): Fetched {
  return { uid: m.uid, source, flags: [...(m.flags ?? [])], modseq: m.modseq ? String(m.modseq) : null };
}

/**
 * Marks locations whose UID left the server as expunged and refreshes flags of the rest; with CONDSTORE
 * only flags changed since the stored HIGHESTMODSEQ are fetched.
 */
async function reconcile(ctx: Ctx, client: ImapFlow, folderId: number, uidvalidity: string, present: number[], sinceModseq: string | null): Promise<void> {
  const onServer = new Set(present);
  const known = await ctx.db.selectFrom('message_locations').select(['id', 'uid', 'flags']).where('folder_id', '=', folderId).where('uidvalidity', '=', uidvalidity).where('expunged_at', 'is', null).execute();
  const gone = known.filter((l) => !onServer.has(l.uid)).map((l) => l.id);
  if (gone.length > 0) await ctx.db.updateTable('message_locations').set({ expunged_at: ctx.clock.now() }).where('id', 'in', gone).execute();
  await ctx.db.updateTable('message_locations').set({ expunged_at: ctx.clock.now() }).where('folder_id', '=', folderId).where('uidvalidity', '!=', uidvalidity).where('expunged_at', 'is', null).execute();
  if (present.length === 0) return;
  const flags = new Map<number, string[]>();
  const changedSince = sinceModseq && client.mailbox && client.mailbox.highestModseq ? { changedSince: BigInt(sinceModseq) } : {};
  for await (const m of client.fetch('1:*', { uid: true, flags: true }, { uid: true, ...changedSince })) flags.set(m.uid, [...(m.flags ?? [])]);
  for (const l of known) {
    const now = flags.get(l.uid);
    if (now && now.sort().join(' ') !== [...l.flags].sort().join(' ')) await ctx.db.updateTable('message_locations').set({ flags: now }).where('id', '=', l.id).execute();
  }
}

async function finishInitialSync(ctx: Ctx, mailboxId: number): Promise<void> {
  await ctx.db.updateTable('mailboxes').set({ initial_sync_done: true }).where('id', '=', mailboxId).execute();
  // Old mail still waiting on us (recently) gets its drafts now that we know who wrote last.
  const waiting = await ctx.db.selectFrom('conversations').select(['id', 'draft_wanted_for']).where('mailbox_id', '=', mailboxId).where('draft_wanted_for', 'is not', null).execute();
  for (const c of waiting) await ctx.jobs.draftRequested(c.id, c.draft_wanted_for!);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
