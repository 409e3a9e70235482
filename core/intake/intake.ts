/**
 * A message arrived: the one path by which mail gets in, whether from IMAP, `longhand import` or the copy
 * of what we sent. In three steps: prepare (prepare.ts, CPU only, on worker threads for large batches),
 * apply (apply.ts, one transaction per batch), notify (drafts asked for in bulk after commit). A batch the
 * database refuses is tried again in halves down to the one message it refuses, which is stored bare with
 * the reason, so no message can stall a mailbox.
 */
import type { Ctx } from '../context.ts';
import { type Db, sinceContended } from '../db/database.ts';
import { ourAddresses } from '../mailboxes/mailboxes.ts';
import type { OurAddresses } from '../mailboxes/our-addresses.ts';
import { type AppliedBatch, applyBatch, type IntakeInput, type IntakeItem, type IntakeResult, ThreadKeyRace } from './apply.ts';
import { liveWork, liveWorkSettled } from './live-work.ts';
import type { Prepared } from './prepare.ts';

export type { IntakeInput, IntakeResult } from './apply.ts';

export interface ApplyOptions {
  /** The folder's sync progress, recorded in the transaction of the last message it covers. */
  progress?: { folderId: number; uid: number };
}

/** Prepares a batch (step one); the work starts at once, on the context's preparer. */
export async function prepareBatch(ctx: Ctx, inputs: readonly IntakeInput[], ours?: OurAddresses): Promise<IntakeItem[]> {
  if (inputs.length === 0) return [];
  const us = ours ?? (await ourAddresses(ctx));
  const rules = { ours: us.list(), plusTagDomains: ctx.config.plusTagDomains, now: ctx.clock.now().getTime() };
  const prepared = await ctx.preparer.prepare(
    inputs.map((input) => ({ source: input.source, origin: input.origin, warnings: input.warnings })),
    rules,
  );
  return inputs.map((input, i) => ({ input, prepared: prepared[i]! }));
}

/** Stores a prepared batch (steps two and three); results in the order of the batch. */
export async function applyItems(ctx: Ctx, items: readonly IntakeItem[], options: ApplyOptions = {}): Promise<IntakeResult[]> {
  // New mail is what people wait for; old mail (a first sync, an import) gives way to it.
  const old = items.length > 0 && items.every((i) => i.input.historical);
  return old ? storeItems(ctx, items, options, true) : liveWork(ctx.db, () => storeItems(ctx, items, options, false));
}

async function storeItems(ctx: Ctx, items: readonly IntakeItem[], options: ApplyOptions, old: boolean): Promise<IntakeResult[]> {
  const results: IntakeResult[] = [];
  const held: number[] = [];
  for (let at = 0; at < items.length; ) {
    // The embedded database answers without any I/O, so a run of chunks would never give the event loop back:
    // mail arriving, pages and queue jobs get their turn between chunks, and ask for the database before we do.
    // While they have been waiting for it, a short pause (a scheduling yield, not a wait for anything) lets
    // their round trips to IMAP and Redis come back before the next chunk.
    await new Promise((resolve) => (contended(ctx.db) ? setTimeout(resolve, CONTENDED_PAUSE_MS) : setImmediate(resolve)));
    if (old) await liveWorkSettled(ctx.db, GIVE_WAY_MS);
    const chunk = items.slice(at, at + chunkSize(ctx.db));
    at += chunk.length;
    const started = performance.now();
    const applied = await applyOrSplit(ctx, chunk, at === items.length ? options.progress : undefined);
    learnPace(ctx.db, chunk.length, performance.now() - started);
    results.push(...applied.results);
    held.push(...applied.held);
  }
  // Nothing new in this part of the folder: its progress is remembered all the same.
  if (items.length === 0 && options.progress) await ctx.db.transaction().execute((tx) => applyBatch(tx, [], applyOptions(ctx, options.progress)));
  await notify(ctx, items, results, held);
  return results;
}

/**
 * Batches stored one after another, in order, while the next ones are fetched and prepared (on worker threads
 * where there are any): for a first sync or an import. At most three batches are held at once.
 */
export class IntakePipeline {
  #last: Promise<unknown> = Promise.resolve();
  readonly #inFlight: Promise<unknown>[] = [];

  constructor(
    private readonly ctx: Ctx,
    private readonly ours?: OurAddresses,
  ) {}

  /** Resolves once the caller may bring the next batch (rejects with why an earlier one could not be stored). */
  async add(inputs: readonly IntakeInput[], options: ApplyOptions = {}, stored?: (results: IntakeResult[]) => void): Promise<void> {
    const prepared = prepareBatch(this.ctx, inputs, this.ours);
    // Awaited in turn below or in drain; until then a failure must not count as unhandled.
    prepared.catch(() => {});
    const storing = this.#last
      .then(() => prepared)
      .then(async (items) => {
        const results = await applyItems(this.ctx, items, options);
        stored?.(results);
      });
    storing.catch(() => {});
    this.#last = storing;
    this.#inFlight.push(storing);
    while (this.#inFlight.length > 2) await this.#inFlight.shift();
  }

  /** Waits until every batch added is stored. */
  async drain(): Promise<void> {
    for (const storing of this.#inFlight.splice(0)) await storing;
  }
}

/** One batch, prepared and stored. */
export async function takeIn(ctx: Ctx, inputs: readonly IntakeInput[], options: ApplyOptions & { ours?: OurAddresses } = {}): Promise<IntakeResult[]> {
  return applyItems(ctx, await prepareBatch(ctx, inputs, options.ours), options);
}

/** One message: a batch of one. */
export async function ingestMessage(ctx: Ctx, input: IntakeInput, ours?: OurAddresses): Promise<IntakeResult> {
  return (await takeIn(ctx, [input], { ours }))[0]!;
}

async function applyOrSplit(ctx: Ctx, items: readonly IntakeItem[], progress: ApplyOptions['progress'], raced = 0): Promise<AppliedBatch> {
  try {
    return await ctx.db.transaction().execute((tx) => applyBatch(tx, items, applyOptions(ctx, progress)));
  } catch (err) {
    if (err instanceof ThreadKeyRace && raced < 3) return applyOrSplit(ctx, items, progress, raced + 1);
    if (!refusedData(err)) throw err;
    if (items.length === 1) {
      const item = items[0]!;
      ctx.log.warn(
        { err: (err as Error).message.slice(0, 500), messageId: item.prepared.parsed.messageId.slice(0, 200) },
        'the database refused a message as read: storing it bare',
      );
      return ctx.db.transaction().execute((tx) => applyBatch(tx, [{ input: item.input, prepared: bare(item.prepared, err as Error) }], applyOptions(ctx, progress)));
    }
    const half = Math.ceil(items.length / 2);
    const first = await applyOrSplit(ctx, items.slice(0, half), undefined);
    const second = await applyOrSplit(ctx, items.slice(half), progress);
    return { results: [...first.results, ...second.results], held: [...first.held, ...second.held] };
  }
}

/**
 * The database refused what a message holds (SQLSTATE classes 22 data exception, 23 integrity constraint,
 * 54 program limit such as an index row too large), as opposed to the database being unreachable, which
 * is retried later as it is.
 */
function refusedData(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23|54)/.test(code);
}

/** What is kept of a message the database refused as read: its bytes (stored whole), its date and direction, and why. */
function bare(p: Prepared, err: Error): Prepared {
  const id = `${p.parsed.sourceSha256}@longhand.invalid`;
  return {
    ...p,
    parsed: {
      ...p.parsed,
      messageId: id,
      syntheticMessageId: true,
      inReplyTo: null,
      references: [],
      threadIndex: null,
      subject: '(a message that could not be stored as read)',
      from: null,
      to: [],
      cc: [],
      replyTo: [],
      text: '',
      html: null,
      attachments: [],
    },
    warnings: [...p.warnings, `the database refused this message as read (${err.message.slice(0, 300)}): only its bytes were kept; download the original to read it`],
    fromAddress: null,
    counterpart: null,
    customerAddress: null,
    newText: '',
    keys: [`mid:${id}`],
    subjectOnly: false,
    normalizedSubject: '',
    intent: p.intent === null ? null : 'other',
  };
}

function applyOptions(ctx: Ctx, progress: ApplyOptions['progress']) {
  return { now: ctx.clock.now(), threadWindowDays: ctx.config.threadWindowDays, historyDays: ctx.config.historyDays, progress };
}

/** After commit: drafts asked for in one call, held sends dropped from the queue. The database already says both, so a queue that is down only delays them (the sweep asks again). */
async function notify(ctx: Ctx, items: readonly IntakeItem[], results: readonly IntakeResult[], held: readonly number[]): Promise<void> {
  const wanted = results.flatMap((r, i) => (r.draftWanted && !items[i]!.input.historical ? [{ conversationId: r.conversationId, messageId: r.messageId }] : []));
  try {
    if (wanted.length) await ctx.jobs.draftsRequested(wanted);
    for (const outboxId of held) await ctx.jobs.sendCancelled(outboxId);
  } catch (err) {
    ctx.log.warn({ err: (err as Error).message, drafts: wanted.length }, 'could not ask the queue for drafts now; the sweep will');
  }
}

// Pages and sends share the embedded database's one connection with intake: a chunk holds it about this long
// at most (a page waits no more than that behind it; 100 rather than 50 ms stores a first sync 10 to 17% faster,
// each chunk's fixed statements paid half as often), and much less while others have been waiting for it, so a
// page or a draft of many small queries does not wait a whole chunk for each of them.
const TARGET_MS = 100;
const CONTENDED_TARGET_MS = 10;
const CONTENDED_PAUSE_MS = 3;
/** The longest old mail waits for live work before its next chunk. */
const GIVE_WAY_MS = 250;
const CONTENDED_WITHIN_MS = 2_000;
const MAX_BATCH = 250;
const pace = new WeakMap<Db, number>();

const contended = (db: Db) => sinceContended(db) < CONTENDED_WITHIN_MS;

/** How many messages the next chunk takes: about the target time's worth, by the pace measured on this database so far. */
function chunkSize(db: Db): number {
  const target = contended(db) ? CONTENDED_TARGET_MS : TARGET_MS;
  return Math.max(1, Math.min(MAX_BATCH, Math.floor(target / (pace.get(db) ?? 1))));
}

function learnPace(db: Db, count: number, ms: number): void {
  if (count === 0) return;
  const before = pace.get(db);
  const now = ms / count;
  pace.set(db, before === undefined ? now : before * 0.7 + now * 0.3);
}
