import { DAY_MS, dayLabel, localLabel, offsetLabel, suggestedTime } from './local-time.ts';

/**
 * What each follow-up rule decides, as pure functions of facts and a time, so each is read and tested
 * on its own. The database loads the facts (facts.ts) and holds the outcome (evaluate.ts); nothing
 * here reads a clock or a table.
 */

export const RULES = ['check_in', 'keep_in_touch', 'first_contact', 'waiting_on_them', 'promise', 'remind_me', 'close_the_loop'] as const;
export type RuleName = (typeof RULES)[number];

export const RULE_LABELS: Record<RuleName, string> = {
  check_in: 'Check in',
  keep_in_touch: 'Keep in touch',
  first_contact: 'First contact',
  waiting_on_them: 'Waiting on them',
  promise: 'Promise kept',
  remind_me: 'Remind me',
  close_the_loop: 'Close the loop',
};

/** Follow-ups a rule writes of its own accord: once one of these went out since the customer last wrote, that is enough. */
export const UNPROMPTED: readonly RuleName[] = ['check_in', 'waiting_on_them', 'keep_in_touch', 'promise', 'close_the_loop'];

/** A follow-up due longer ago than this is not written any more: rules act on the present, not on a backlog. */
export const LATE_LIMIT_DAYS = 7;

export type Decision =
  /** Write the draft now. */
  | { act: 'draft'; dueAt: Date; reason: string }
  /** A reminder that cannot become a draft: its note goes on the conversation instead (`why`: no draft). */
  | { act: 'note'; reason: string; why: string }
  /** Not due yet. */
  | { act: 'not_yet'; dueAt: Date }
  /** Due, but something in the way clears by itself (an open draft, another follow-up pending). */
  | { act: 'wait'; why: string }
  /** Not for this period, ever. */
  | { act: 'skip'; why: string };

/** What stands between a due follow-up and its draft, shared by every rule that writes to a customer. */
export interface Blockers {
  /** The conversation is snoozed until after now. */
  snoozedUntil: Date | null;
  /** A draft of this conversation is open (pending, approved, sending). */
  openDraft: boolean;
  /** Another follow-up of this customer is not sent yet: one at a time. */
  pendingFollowup: boolean;
}

function blocker(b: Blockers, now: Date): string | null {
  if (b.snoozedUntil && b.snoozedUntil.getTime() > now.getTime()) return `the conversation is snoozed until ${b.snoozedUntil.toISOString()}`;
  if (b.openDraft) return 'a draft of this conversation is open';
  if (b.pendingFollowup) return 'another follow-up for this customer is waiting';
  return null;
}

function timing(dueAt: Date, now: Date): Decision | null {
  if (now.getTime() < dueAt.getTime()) return { act: 'not_yet', dueAt };
  if (now.getTime() > dueAt.getTime() + LATE_LIMIT_DAYS * DAY_MS) return { act: 'skip', why: `it was due on ${dayLabel(dueAt)}, more than ${LATE_LIMIT_DAYS} days ago` };
  return null;
}

const daysBetween = (a: Date, b: Date) => Math.floor((b.getTime() - a.getTime()) / DAY_MS);
const nameOf = (name: string | null) => name ?? 'the customer';

/* ---------- Check in and Waiting on them: a conversation whose last word is ours ---------- */

export interface ConversationFacts extends Blockers {
  conversationId: number;
  customerId: number;
  customerName: string | null;
  subject: string;
  doNotFollowUp: boolean;
  status: 'waiting_on_us' | 'waiting_on_them' | 'done';
  /** The customer's newest message in this conversation (automated mail aside); the period starts there. */
  theirLastAt: Date | null;
  /** Our newest message in this conversation. */
  ourLastAt: Date | null;
  /** Whether our newest message asks them something. */
  ourLastAsks: boolean;
  /** The customer's newest message anywhere: writing about something else counts as writing. */
  customerLastInboundAt: Date | null;
  utcOffsetMinutes: number | null;
  /** Rules that already wrote an unprompted follow-up in this conversation since the customer last wrote in it. */
  followupsSinceTheyWrote: RuleName[];
}

export interface DayRule {
  enabled: boolean;
  days: number;
}

/** One check-in or nudge per conversation until the customer writes in it again. */
export function conversationKey(rule: 'check_in' | 'waiting_on_them', f: Pick<ConversationFacts, 'conversationId' | 'theirLastAt'>): string {
  return `${rule}:conversation:${f.conversationId}:${f.theirLastAt?.getTime() ?? 0}`;
}

function quietConversation(f: ConversationFacts, rule: DayRule, label: string): Decision | null {
  if (!rule.enabled) return { act: 'skip', why: `the ${label} rule is off` };
  if (f.doNotFollowUp) return { act: 'skip', why: 'the customer is marked "do not follow up"' };
  if (f.status === 'waiting_on_us' || !f.ourLastAt || (f.theirLastAt && f.theirLastAt.getTime() > f.ourLastAt.getTime())) return { act: 'skip', why: 'the customer wrote last' };
  if (f.customerLastInboundAt && f.customerLastInboundAt.getTime() > f.ourLastAt.getTime()) return { act: 'skip', why: 'the customer has written since (about something else)' };
  if (f.followupsSinceTheyWrote.length)
    return { act: 'skip', why: `a follow-up (${f.followupsSinceTheyWrote.map((r) => RULE_LABELS[r]).join(', ')}) already went out since they last wrote` };
  return null;
}

/** Check in: N days after we answered and they have not written since; our answer asked nothing (else: waiting on them). */
export function decideCheckIn(f: ConversationFacts, rule: DayRule, morningHour: number, now: Date): Decision {
  const early = quietConversation(f, rule, 'check-in');
  if (early) return early;
  if (!f.theirLastAt) return { act: 'skip', why: 'we wrote first: there is nothing we answered to check in on' };
  if (f.ourLastAsks) return { act: 'skip', why: 'our last message asked them something: that is the waiting-on-them rule' };
  const dueAt = suggestedTime(f.ourLastAt!, rule.days, f.utcOffsetMinutes, morningHour);
  const t = timing(dueAt, now);
  if (t) return t;
  const blocked = blocker(f, now);
  if (blocked) return { act: 'wait', why: blocked };
  return {
    act: 'draft',
    dueAt,
    reason: `We answered "${f.subject}" on ${dayLabel(f.ourLastAt!)} and ${nameOf(f.customerName)} has not written since (${daysBetween(f.ourLastAt!, now)} days); suggested for ${localLabel(dueAt, f.utcOffsetMinutes)} their time (${offsetLabel(f.utcOffsetMinutes)}).`,
  };
}

/** Waiting on them: we asked a question N days ago and have no answer: one gentle nudge. */
export function decideNudge(f: ConversationFacts, rule: DayRule, morningHour: number, now: Date): Decision {
  const early = quietConversation(f, rule, 'waiting-on-them');
  if (early) return early;
  if (!f.ourLastAsks) return { act: 'skip', why: 'our last message asked them nothing' };
  const dueAt = suggestedTime(f.ourLastAt!, rule.days, f.utcOffsetMinutes, morningHour);
  const t = timing(dueAt, now);
  if (t) return t;
  const blocked = blocker(f, now);
  if (blocked) return { act: 'wait', why: blocked };
  return {
    act: 'draft',
    dueAt,
    reason: `We asked ${nameOf(f.customerName)} a question about "${f.subject}" on ${dayLabel(f.ourLastAt!)} and have had no answer for ${daysBetween(f.ourLastAt!, now)} days; suggested for ${localLabel(dueAt, f.utcOffsetMinutes)} their time (${offsetLabel(f.utcOffsetMinutes)}).`,
  };
}

/* ---------- Keep in touch: a customer with no mail either way for a long time ---------- */

export interface KeepInTouchRule extends DayRule {
  /** Only customers with one of these tags (none: no tag needed)... */
  onlyTags: string[];
  /** ...or with at least this many conversations (0: no minimum). Either restriction set lets a customer through. */
  minConversations: number;
  /** Never to a customer we wrote to fewer days ago than this (0: no such limit). */
  minDaysSinceWeWrote: number;
}

export interface CustomerFacts {
  customerId: number;
  customerName: string | null;
  doNotFollowUp: boolean;
  tags: string[];
  conversationCount: number;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
  utcOffsetMinutes: number | null;
  pendingFollowup: boolean;
  /** Their newest conversation: the note is written in it. */
  latest: { conversationId: number; subject: string; snoozedUntil: Date | null; openDraft: boolean } | null;
  /** Their longest-waiting conversation whose last message (theirs) is unanswered, if any. */
  waitingOnUs: { conversationId: number; subject: string } | null;
  /** A keep-in-touch note was already made since they last wrote. */
  keptInTouchSinceTheyWrote: boolean;
}

/** One keep-in-touch note per customer until they write again. */
export function keepInTouchKey(f: Pick<CustomerFacts, 'customerId' | 'lastInboundAt'>): string {
  return `keep_in_touch:customer:${f.customerId}:${f.lastInboundAt?.getTime() ?? 0}`;
}

/** Whether the team's restriction (tags, or a number of conversations) lets this customer through. */
export function keepInTouchApplies(f: Pick<CustomerFacts, 'tags' | 'conversationCount'>, rule: Pick<KeepInTouchRule, 'onlyTags' | 'minConversations'>): boolean {
  const wanted = rule.onlyTags.map((t) => t.toLowerCase());
  if (!wanted.length && rule.minConversations <= 0) return true;
  return (wanted.length > 0 && f.tags.some((t) => wanted.includes(t.toLowerCase()))) || (rule.minConversations > 0 && f.conversationCount >= rule.minConversations);
}

/** We wrote to them too recently for a keep-in-touch note. */
export function wroteRecently(lastOutboundAt: Date | null, rule: Pick<KeepInTouchRule, 'minDaysSinceWeWrote'>, now: Date): boolean {
  return lastOutboundAt !== null && now.getTime() - lastOutboundAt.getTime() < rule.minDaysSinceWeWrote * DAY_MS;
}

/**
 * Keep in touch: no mail either way for N days. `manual` is a person asking for one now (the Going quiet
 * button): no waiting for the days, no restriction, but never for "do not follow up", never while they wait
 * for our answer, never soon after we wrote, and never twice.
 */
export function decideKeepInTouch(f: CustomerFacts, rule: KeepInTouchRule, morningHour: number, now: Date, manual = false): Decision {
  if (!manual && !rule.enabled) return { act: 'skip', why: 'the keep-in-touch rule is off' };
  if (f.doNotFollowUp) return { act: 'skip', why: 'the customer is marked "do not follow up"' };
  if (!f.latest) return { act: 'skip', why: 'there is no conversation with them to write in' };
  if (f.waitingOnUs) return { act: 'skip', why: `"${f.waitingOnUs.subject}" is waiting for our answer: answer it first` };
  if (wroteRecently(f.lastOutboundAt, rule, now)) return { act: 'skip', why: `we wrote to them on ${dayLabel(f.lastOutboundAt!)}, less than ${rule.minDaysSinceWeWrote} days ago` };
  if (f.keptInTouchSinceTheyWrote) return { act: 'skip', why: 'a keep-in-touch note was already made since they last wrote' };
  if (!manual && !keepInTouchApplies(f, rule)) return { act: 'skip', why: 'the team keeps in touch only with some customers (tags or number of conversations)' };
  const times = [f.lastInboundAt, f.lastOutboundAt].filter((d): d is Date => d !== null).map((d) => d.getTime());
  if (!times.length) return { act: 'skip', why: 'there has been no mail with them' };
  const last = new Date(Math.max(...times));
  const dueAt = manual ? now : suggestedTime(last, rule.days, f.utcOffsetMinutes, morningHour);
  if (!manual) {
    const t = timing(dueAt, now);
    if (t) return t;
  }
  const blocked = blocker({ snoozedUntil: f.latest.snoozedUntil, openDraft: f.latest.openDraft, pendingFollowup: f.pendingFollowup }, now);
  if (blocked) return { act: 'wait', why: blocked };
  const quiet = `No mail either way with ${nameOf(f.customerName)} since ${dayLabel(last)} (${daysBetween(last, now)} days)`;
  return {
    act: 'draft',
    dueAt,
    reason: manual
      ? `${quiet}; asked for from the Going quiet page.`
      : `${quiet}; suggested for ${localLabel(dueAt, f.utcOffsetMinutes)} their time (${offsetLabel(f.utcOffsetMinutes)}).`,
  };
}

/* ---------- First contact: the first message ever from a new customer ---------- */

export interface FirstContactFacts {
  enabled: boolean;
  doNotFollowUp: boolean;
  customerName: string | null;
  /** Messages with this customer (either way, automated mail aside) before the one being answered. */
  earlierMessages: number;
  /** Who the welcome is drafted for: the chosen person, else the founder (the first owner); null: nobody yet. */
  personName: string | null;
}

export function firstContactKey(customerId: number): string {
  return `first_contact:customer:${customerId}`;
}

export function decideFirstContact(f: FirstContactFacts, messageDate: Date): Decision {
  if (!f.enabled) return { act: 'skip', why: 'the first-contact rule is off' };
  if (f.doNotFollowUp) return { act: 'skip', why: 'the customer is marked "do not follow up"' };
  if (f.earlierMessages > 0) return { act: 'skip', why: 'not their first message' };
  return {
    act: 'draft',
    dueAt: messageDate,
    reason: `The first message ever from ${nameOf(f.customerName)}: a personal welcome${f.personName ? `, drafted for ${f.personName}` : ''}, not a receipt.`,
  };
}

/* ---------- Scheduled follow-ups: a promise's reminder, a reminder a person set, a shipped request ---------- */

export interface PromiseFacts extends Blockers {
  enabled: boolean;
  dueAt: Date;
  dismissed: boolean;
  doNotFollowUp: boolean;
  /** A message (theirs or ours) came after the promise, or the conversation is done: it moved on. */
  movedOn: boolean;
  conversationExists: boolean;
  customerName: string | null;
  utcOffsetMinutes: number | null;
  /** What we wrote, the words that name the time, and when we sent it. */
  sentence: string;
  whenText: string;
  promisedAt: Date;
}

export function promiseKey(promiseId: number): string {
  return `promise:${promiseId}`;
}

export function decidePromiseReminder(f: PromiseFacts, now: Date): Decision {
  if (now.getTime() < f.dueAt.getTime()) return { act: 'not_yet', dueAt: f.dueAt };
  if (!f.enabled) return { act: 'skip', why: 'the promises rule is off' };
  if (f.dismissed) return { act: 'skip', why: 'the promise was dismissed' };
  if (!f.conversationExists) return { act: 'skip', why: 'the conversation is gone' };
  if (f.doNotFollowUp) return { act: 'skip', why: 'the customer is marked "do not follow up"' };
  if (f.movedOn) return { act: 'skip', why: 'the conversation moved on since the promise' };
  const t = timing(f.dueAt, now);
  if (t) return t;
  const blocked = blocker(f, now);
  if (blocked) return { act: 'wait', why: blocked };
  return {
    act: 'draft',
    dueAt: f.dueAt,
    reason: `We wrote to ${nameOf(f.customerName)} on ${dayLabel(f.promisedAt)}: "${f.sentence}" (${f.whenText}: ${localLabel(f.dueAt, f.utcOffsetMinutes)} their time, ${offsetLabel(f.utcOffsetMinutes)}), and the conversation has not moved on since.`,
  };
}

export interface ReminderFacts {
  dueAt: Date;
  conversationExists: boolean;
  /** The conversation has a customer to write to. */
  hasCustomer: boolean;
  openDraft: boolean;
  doNotFollowUp: boolean;
  pendingFollowup: boolean;
  /** Who set it, when, and the note to self. */
  setBy: string | null;
  setAt: Date;
  note: string | null;
}

export function reminderKey(conversationId: number, at: Date): string {
  return `remind_me:conversation:${conversationId}:${at.getTime()}`;
}

/**
 * Remind me: at its time the conversation comes back with the note. With a draft already open it comes
 * back by itself; with no draft, a follow-up draft brings it to the queue, unless the customer must not
 * get one (then the note alone).
 */
export function decideReminder(f: ReminderFacts, now: Date): Decision {
  if (now.getTime() < f.dueAt.getTime()) return { act: 'not_yet', dueAt: f.dueAt };
  if (!f.conversationExists) return { act: 'skip', why: 'the conversation is gone' };
  const reason = `Reminder${f.setBy ? ` from ${f.setBy}` : ''}, set on ${dayLabel(f.setAt)}${f.note ? `: ${f.note}` : '.'}`;
  if (f.openDraft) return { act: 'note', reason, why: 'its open draft is back in the queue' };
  if (!f.hasCustomer) return { act: 'note', reason, why: 'no draft: the conversation has no customer to write to' };
  if (f.doNotFollowUp) return { act: 'note', reason, why: 'no draft: the customer is marked "do not follow up"' };
  if (f.pendingFollowup) return { act: 'note', reason, why: 'no draft: another follow-up for this customer is waiting' };
  return { act: 'draft', dueAt: f.dueAt, reason };
}

export interface CloseTheLoopFacts extends Blockers {
  doNotFollowUp: boolean;
  conversationExists: boolean;
  label: string;
  customerName: string | null;
  /** Their own words for what they asked. */
  words: string;
}

export function closeTheLoopKey(requestId: number, customerId: number): string {
  return `close_the_loop:request:${requestId}:customer:${customerId}`;
}

/** Close the loop: a shipped request's note to one customer who asked; it waits for a clear path, however long. */
export function decideCloseTheLoop(f: CloseTheLoopFacts, dueAt: Date, now: Date): Decision {
  if (now.getTime() < dueAt.getTime()) return { act: 'not_yet', dueAt };
  if (f.doNotFollowUp) return { act: 'skip', why: 'the customer is marked "do not follow up"' };
  if (!f.conversationExists) return { act: 'skip', why: 'the conversation is gone' };
  const blocked = blocker(f, now);
  if (blocked) return { act: 'wait', why: blocked };
  return { act: 'draft', dueAt, reason: `"${f.label}" shipped; ${nameOf(f.customerName)} asked for it: "${f.words}".` };
}
