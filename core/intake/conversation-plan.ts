/**
 * What a batch of new messages does to each conversation it touches: its times, who it waits on, and
 * what its newest message asks of us (a draft, a priority, done after their thanks). Pure: the caller
 * reads the stored state and writes the outcome, a fixed number of statements for the whole batch.
 */
import type { ConversationStatus, Direction } from '../db/schema.ts';
import type { IntentKind } from '../drafts/intent.ts';
import type { Origin } from './prepare.ts';

/** A conversation as stored before the batch; null fields for one the batch creates. */
export interface StoredConversation {
  id: number;
  status: ConversationStatus;
  customerId: number | null;
  firstMessageAt: Date | null;
  lastMessageAt: Date | null;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
  /** Who wrote the last message a person wrote, before the batch. */
  lastHuman: Direction | null;
}

export interface NewMessage {
  messageId: number;
  customerId: number | null;
  date: Date;
  direction: Direction;
  automated: boolean;
  intent: IntentKind | null;
  origin: Origin;
  /** Old mail (first sync, import): drafted only if the customer wrote it recently. */
  historical: boolean;
}

/** First look: what must be asked of the drafts before the plan can be finished. */
export interface Preview {
  /** The newest message is later than anything stored: the customer wrote again, or we answered. */
  latest: NewMessage | null;
  /** A person's message from the customer came after everything stored: open drafts are now behind them. */
  customerWrote: boolean;
  /** Mail older than the stored newest arrived: times and status are recomputed from every message. */
  lateMail: boolean;
}

export interface ConversationChange {
  id: number;
  /** Null for late mail: recomputed from all messages instead (refreshConversations). */
  times: { first: Date; last: Date; lastIn: Date | null; lastOut: Date | null } | null;
  status: ConversationStatus | null;
  customerId: number | null;
  intent: IntentKind | null;
  priority: number | null;
  /** Undefined: left as it is. */
  draftWantedFor: number | null | undefined;
  /** Someone answered from another mail program: pending drafts here would be a second answer. */
  discardPending: boolean;
}

/** Messages in the order they were written; for the same moment, the order they came in. */
export function inOrder(messages: readonly NewMessage[]): NewMessage[] {
  return messages
    .map((m, i) => ({ m, i }))
    .sort((a, b) => a.m.date.getTime() - b.m.date.getTime() || a.i - b.i)
    .map((x) => x.m);
}

export function preview(stored: StoredConversation, messages: readonly NewMessage[]): Preview {
  const ordered = inOrder(messages);
  const newest = ordered[ordered.length - 1]!;
  const since = stored.lastMessageAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  return {
    latest: newest.date.getTime() >= since ? newest : null,
    customerWrote: ordered.some((m) => m.direction === 'in' && !m.automated && m.date.getTime() >= since),
    lateMail: ordered.some((m) => m.date.getTime() < since),
  };
}

export interface PlanOptions {
  /** This conversation had an open draft when the customer wrote (it is now marked so). */
  openDraft: boolean;
  now: Date;
  historyDays: number;
}

export function planConversation(stored: StoredConversation, messages: readonly NewMessage[], o: PlanOptions): ConversationChange {
  const ordered = inOrder(messages);
  const { latest, lateMail } = preview(stored, messages);
  const change: ConversationChange = {
    id: stored.id,
    times: null,
    status: null,
    customerId: stored.customerId === null ? (ordered.find((m) => m.customerId !== null)?.customerId ?? null) : null,
    intent: null,
    priority: null,
    draftWantedFor: undefined,
    discardPending: false,
  };
  if (!lateMail) {
    const latestOf = (direction: Direction, at: Date | null) => ordered.filter((m) => m.direction === direction).reduce((t, m) => (t === null || m.date > t ? m.date : t), at);
    change.times = {
      first: stored.firstMessageAt && stored.firstMessageAt < ordered[0]!.date ? stored.firstMessageAt : ordered[0]!.date,
      last: ordered[ordered.length - 1]!.date,
      lastIn: latestOf('in', stored.lastInboundAt),
      lastOut: latestOf('out', stored.lastOutboundAt),
    };
    // Automated mail leaves who the conversation waits on as it was; a conversation staff closed stays closed until they write.
    let status = stored.status;
    for (const m of ordered) if (!m.automated) status = m.direction === 'in' ? 'waiting_on_us' : status === 'done' ? 'done' : 'waiting_on_them';
    change.status = status;
  }
  if (!latest) return change;
  if (latest.direction === 'out') {
    change.draftWantedFor = null;
    change.discardPending = latest.origin !== 'outbox';
    return change;
  }
  if (latest.automated) return change;
  const before = ordered.filter((m) => m !== latest && !m.automated);
  const lastHuman = before.length ? before[before.length - 1]!.direction : stored.lastHuman;
  const answered = lastHuman === 'out';
  change.intent = latest.intent;
  // A complaint raises the priority (they still care) until we have answered it.
  if (latest.intent === 'complaint') change.priority = 1;
  else if (answered) change.priority = 0;
  // "Thanks, that worked" after our answer closes the conversation; it does not ask for another reply.
  const closingThanks = latest.intent === 'thanks' && answered && !o.openDraft;
  if (closingThanks) change.status = 'done';
  const recentEnough = !latest.historical || latest.date.getTime() >= o.now.getTime() - o.historyDays * 86_400_000;
  change.draftWantedFor = !o.openDraft && !closingThanks && recentEnough ? latest.messageId : null;
  return change;
}
