import type { FetchMessageObject, ImapFlow } from 'imapflow';
import type { Ctx } from '../context.ts';
import type { Folder } from '../db/schema.ts';
import { ImapError } from '../errors.ts';
import { IntakePipeline } from '../intake/intake.ts';
import { locateKnownMessages, type MessageLocation } from '../intake/locations.ts';
import type { OurAddresses } from '../mailboxes/our-addresses.ts';
import { searchUids } from './imap.ts';

export interface FolderSyncLimits {
  /** Largest message fetched whole; larger ones are stored from their headers with a warning. */
  maxMessageBytes: number;
  /** Bytes of message sources held in memory at once: memory stays flat whatever the mailbox size. */
  batchBytes: number;
  /** UIDs asked about per round trip when listing what is new. */
  uidWindow: number;
}

export const DEFAULT_FOLDER_LIMITS: FolderSyncLimits = { maxMessageBytes: 25 * 1024 * 1024, batchBytes: 4 * 1024 * 1024, uidWindow: 2_000 };
const BATCH_MAX_MESSAGES = 250;

/**
 * What the server told us about a folder between syncs (QRESYNC's VANISHED, flag updates during IDLE
 * or in the answer to SELECT). Collected by the session's listeners, applied by the next sync.
 */
export class FolderChanges {
  readonly vanished = new Set<number>();
  readonly flags = new Map<number, string[]>();
  /** An EXPUNGE without a UID (no QRESYNC): only a full reconcile can tell which message went. */
  expungedUnknown = false;

  take(): { vanished: number[]; flags: Map<number, string[]>; expungedUnknown: boolean } {
    const out = { vanished: [...this.vanished], flags: new Map(this.flags), expungedUnknown: this.expungedUnknown };
    this.vanished.clear();
    this.flags.clear();
    this.expungedUnknown = false;
    return out;
  }
}

export interface FolderSyncInput {
  mailboxId: number;
  mailboxName: string;
  folder: Folder;
  /** Old mail: stored and threaded, drafted only where still waiting on us recently. */
  historical: boolean;
  ours: OurAddresses;
  changes: FolderChanges;
  limits: FolderSyncLimits;
}

export interface FolderSyncResult {
  fetched: number;
  uidvalidityChanged: boolean;
}

/**
 * Brings one folder up to date, keyed on UIDVALIDITY, UIDs and MODSEQ, never on \Seen: new UIDs after
 * the stored one are fetched in windows and byte-bounded batches (BODY.PEEK: nothing is marked read);
 * expunges and flag changes come from QRESYNC/CONDSTORE where the server has them, and from a full
 * reconcile where it does not or where the counts disagree. A UIDVALIDITY change re-maps the folder:
 * known messages only gain a location, nothing is drafted.
 */
export async function syncFolder(ctx: Ctx, client: ImapFlow, input: FolderSyncInput): Promise<FolderSyncResult> {
  const { folder } = input;
  const stored = await ctx.db.selectFrom('folders').selectAll().where('id', '=', folder.id).executeTakeFirstOrThrow();
  const resync = stored.uidvalidity && stored.highestmodseq ? { uidValidity: BigInt(stored.uidvalidity), changedSince: BigInt(stored.highestmodseq) } : {};
  const lock = await client.getMailboxLock(folder.path, { readOnly: true, ...resync });
  try {
    const box = client.mailbox;
    if (!box) throw new ImapError(input.mailboxName, `could not open folder ${folder.path}`, false);
    const uidvalidity = String(box.uidValidity);
    const reset = stored.uidvalidity !== null && stored.uidvalidity !== uidvalidity;
    if (reset) ctx.log.info({ mailboxId: input.mailboxId, folder: folder.path, from: stored.uidvalidity, to: uidvalidity }, 'UIDVALIDITY changed: re-mapping the folder');
    const syncedUid = reset ? 0 : stored.synced_uid;
    await ctx.db
      .updateTable('folders')
      .set({ uidvalidity, synced_uid: syncedUid, messages_on_server: box.exists, state: 'syncing', last_error: null })
      .where('id', '=', folder.id)
      .execute();

    // UIDNEXT is as of SELECT; mail that arrived during IDLE only moved EXISTS. The last message's UID says where to stop.
    const lastUid = box.exists > 0 ? await highestUid(client) : 0;
    const fetched = await fetchNew(ctx, client, input, uidvalidity, syncedUid, Math.max(Number(box.uidNext), lastUid + 1), input.historical || reset);
    const changes = input.changes.take();
    const modseqKnown = !reset && stored.highestmodseq !== null && box.highestModseq !== undefined;
    await applyVanished(ctx, folder.id, uidvalidity, changes.vanished);
    await applyFlags(ctx, folder.id, uidvalidity, changes.flags);
    if (modseqKnown && String(box.highestModseq) !== stored.highestmodseq) await fetchChangedFlags(ctx, client, folder.id, uidvalidity, stored.highestmodseq!);
    const known = await countOnServer(ctx, folder.id, uidvalidity);
    if (reset || !modseqKnown || changes.expungedUnknown || known !== box.exists) await fullReconcile(ctx, client, input.mailboxName, folder.id, uidvalidity);

    const now = ctx.clock.now();
    await ctx.db
      .updateTable('folders')
      .set({
        uidnext: Math.max(Number(box.uidNext), lastUid + 1),
        highestmodseq: box.highestModseq ? String(box.highestModseq) : null,
        messages_on_server: box.exists,
        state: 'idle',
        last_synced_at: now,
      })
      .where('id', '=', folder.id)
      .execute();
    return { fetched, uidvalidityChanged: reset };
  } finally {
    lock.release();
  }
}

/**
 * Fetches and stores every UID after `fromUid`, window by window, recording progress with each batch; while
 * one batch is stored, the next is fetched and prepared.
 */
async function fetchNew(ctx: Ctx, client: ImapFlow, input: FolderSyncInput, uidvalidity: string, fromUid: number, uidNext: number, historical: boolean): Promise<number> {
  let fetched = 0;
  const pipeline = new IntakePipeline(ctx, input.ours);
  for (let start = fromUid + 1; start < uidNext; start += input.limits.uidWindow) {
    const end = Math.min(uidNext - 1, start + input.limits.uidWindow - 1);
    // Collect first, act after: issuing commands inside a fetch loop deadlocks imapflow.
    // imapflow asks for the email id itself where the server offers one (OBJECTID, Gmail's X-GM-EXT-1).
    const listed: Listed[] = [];
    for await (const m of client.fetch(`${start}:${end}`, { uid: true, size: true, flags: true }, { uid: true })) {
      if (m.uid >= start && m.uid <= end) listed.push({ ...toFetched(m), size: m.size ?? 0, folderId: input.folder.id, uidvalidity, emailId: m.emailId ?? null });
    }
    listed.sort((a, b) => a.uid - b.uid);
    for (const batch of byteBatches(listed, input.limits.batchBytes)) {
      const toFetch = new Map((await locateKnownMessages(ctx, input.mailboxId, batch)).map((l) => [l.uid, l]));
      const sources = toFetch.size > 0 ? await fetchSources(client, [...toFetch.values()], input.limits.maxMessageBytes) : [];
      const location = (m: Fetched) => ({ ...toFetch.get(m.uid)!, flags: m.flags, modseq: m.modseq });
      await pipeline.add(
        sources.map((m) => ({ source: m.source, origin: 'imap' as const, mailboxId: input.mailboxId, historical, warnings: m.warnings, location: location(m) })),
        { progress: { folderId: input.folder.id, uid: batch[batch.length - 1]!.uid } },
      );
      fetched += sources.length;
    }
    // Nothing (more) in this window: remember that too, so a restart does not ask again.
    await pipeline.add([], { progress: { folderId: input.folder.id, uid: end } });
  }
  await pipeline.drain();
  return fetched;
}

async function highestUid(client: ImapFlow): Promise<number> {
  let uid = 0;
  for await (const m of client.fetch('*', { uid: true })) uid = Math.max(uid, m.uid);
  return uid;
}

interface Sized {
  uid: number;
  size: number;
}

/** A new UID as listed before any source is fetched. */
type Listed = Sized & MessageLocation;

/** Splits UIDs into batches of at most BATCH_MAX_MESSAGES messages and about `maxBytes` of mail. */
export function byteBatches<T extends Sized>(items: T[], maxBytes: number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length > 0 && (bytes + item.size > maxBytes || current.length >= BATCH_MAX_MESSAGES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

interface Fetched {
  uid: number;
  source: Buffer;
  flags: string[];
  modseq: string | null;
  warnings: string[];
}

/** Whole sources (BODY.PEEK, so nothing is marked read); oversized messages only their headers, with a warning. */
async function fetchSources(client: ImapFlow, batch: Sized[], maxBytes: number): Promise<Fetched[]> {
  const out: Fetched[] = [];
  const small = batch.filter((m) => m.size <= maxBytes).map((m) => m.uid);
  const big = batch.filter((m) => m.size > maxBytes);
  if (small.length > 0) {
    for await (const m of client.fetch(small.join(','), { uid: true, source: true, flags: true }, { uid: true }))
      out.push({ ...toFetched(m), source: m.source ?? Buffer.alloc(0), warnings: [] });
  }
  if (big.length > 0) {
    for await (const m of client.fetch(big.map((b) => b.uid).join(','), { uid: true, headers: true, flags: true, size: true }, { uid: true })) {
      const warning = `this message is ${megabytes(m.size ?? 0)}, over the ${megabytes(maxBytes)} limit; only its headers were stored (the whole message is still on the mail server)`;
      out.push({ ...toFetched(m), source: m.headers ?? Buffer.alloc(0), warnings: [warning] });
    }
  }
  return out.sort((a, b) => a.uid - b.uid);
}

function toFetched(m: FetchMessageObject): { uid: number; flags: string[]; modseq: string | null } {
  return { uid: m.uid, flags: storedFlags(m.flags), modseq: m.modseq ? String(m.modseq) : null };
}

/** Flags as we keep them: sorted, without \Recent (it belongs to one IMAP session, not to the message). */
function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function storedFlags(flags: Iterable<string> | undefined): string[] {
  return [...(flags ?? [])].filter((f) => f !== '\\Recent').sort();
}

async function countOnServer(ctx: Ctx, folderId: number, uidvalidity: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('message_locations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('folder_id', '=', folderId)
    .where('uidvalidity', '=', uidvalidity)
    .where('expunged_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function applyVanished(ctx: Ctx, folderId: number, uidvalidity: string, uids: number[]): Promise<void> {
  if (uids.length === 0) return;
  await ctx.db
    .updateTable('message_locations')
    .set({ expunged_at: ctx.clock.now() })
    .where('folder_id', '=', folderId)
    .where('uidvalidity', '=', uidvalidity)
    .where('uid', 'in', uids)
    .where('expunged_at', 'is', null)
    .execute();
}

async function applyFlags(ctx: Ctx, folderId: number, uidvalidity: string, flags: Map<number, string[]>): Promise<void> {
  for (const [uid, list] of flags) {
    await ctx.db
      .updateTable('message_locations')
      .set({ flags: storedFlags(list) })
      .where('folder_id', '=', folderId)
      .where('uidvalidity', '=', uidvalidity)
      .where('uid', '=', uid)
      .execute();
  }
}

/** CONDSTORE: only the flags changed since the stored HIGHESTMODSEQ. */
async function fetchChangedFlags(ctx: Ctx, client: ImapFlow, folderId: number, uidvalidity: string, sinceModseq: string): Promise<void> {
  const changed = new Map<number, string[]>();
  for await (const m of client.fetch('1:*', { uid: true, flags: true }, { uid: true, changedSince: BigInt(sinceModseq) })) changed.set(m.uid, storedFlags(m.flags));
  await applyFlags(ctx, folderId, uidvalidity, changed);
}

/**
 * Without QRESYNC (or when counts disagree): every UID on the server against every location we know.
 * UIDs only, a few bytes each, so this stays cheap for large folders.
 */
async function fullReconcile(ctx: Ctx, client: ImapFlow, mailboxName: string, folderId: number, uidvalidity: string): Promise<void> {
  const onServer = new Set(await searchUids(client, mailboxName, { all: true }));
  const known = await ctx.db
    .selectFrom('message_locations')
    .select(['id', 'uid', 'flags'])
    .where('folder_id', '=', folderId)
    .where('uidvalidity', '=', uidvalidity)
    .where('expunged_at', 'is', null)
    .execute();
  const gone = known.filter((l) => !onServer.has(l.uid)).map((l) => l.id);
  const now = ctx.clock.now();
  for (let i = 0; i < gone.length; i += 1000)
    await ctx.db
      .updateTable('message_locations')
      .set({ expunged_at: now })
      .where('id', 'in', gone.slice(i, i + 1000))
      .execute();
  // Locations under an old UIDVALIDITY no longer name anything on the server.
  await ctx.db
    .updateTable('message_locations')
    .set({ expunged_at: now })
    .where('folder_id', '=', folderId)
    .where('uidvalidity', '!=', uidvalidity)
    .where('expunged_at', 'is', null)
    .execute();
  if (onServer.size === 0) return;
  const flags = new Map<number, string[]>();
  for await (const m of client.fetch('1:*', { uid: true, flags: true }, { uid: true })) flags.set(m.uid, storedFlags(m.flags));
  const changed = new Map(known.filter((l) => flags.has(l.uid) && flags.get(l.uid)!.join(' ') !== storedFlags(l.flags).join(' ')).map((l) => [l.uid, flags.get(l.uid)!]));
  await applyFlags(ctx, folderId, uidvalidity, changed);
}
