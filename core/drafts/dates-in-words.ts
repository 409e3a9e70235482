/*
 * Dates a reply states as fact, worded as a person would say them on the day they write, and left
 * unsaid when they would mean nothing ("we've been writing since December" to someone of a week).
 * Months are UTC months, like the dates in the rest of a reply.
 */

export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
/** Under this, how long we have been writing is not worth a mention. */
const MEANINGFUL_DAYS = 60;
/** Under this since we last wrote, it has not been "a while". */
const QUIET_DAYS = 28;
const DAY_MS = 86_400_000;

function count(n: number): string {
  return NUMBER_WORDS[n] ?? String(n);
}

/** Whole years from `from` to `to`, by the calendar. */
function fullYears(from: Date, to: Date): number {
  const years = to.getUTCFullYear() - from.getUTCFullYear();
  const before = to.getUTCMonth() < from.getUTCMonth() || (to.getUTCMonth() === from.getUTCMonth() && to.getUTCDate() < from.getUTCDate());
  return years - (before ? 1 : 0);
}

/** "October", or "October 2025" when it was not this year. */
function monthName(d: Date, now: Date): string {
  const month = MONTHS[d.getUTCMonth()]!;
  return d.getUTCFullYear() === now.getUTCFullYear() ? month : `${month} ${d.getUTCFullYear()}`;
}

/**
 * How long we have been writing with a customer, from their first contact: "since August",
 * "since March 2025", "for over two years"; null when it is recent (a few weeks) or unknown.
 */
export function writingSince(firstContact: Date | null, now: Date): string | null {
  if (!firstContact || now.getTime() - firstContact.getTime() < MEANINGFUL_DAYS * DAY_MS) return null;
  const years = fullYears(firstContact, now);
  if (years >= 2) return `for over ${count(years)} years`;
  return `since ${monthName(firstContact, now)}`;
}

/** When they wrote, for "You wrote to us …": "earlier this month", "in October", "in October 2025". */
export function writtenWhen(at: Date, now: Date): string {
  if (at.getUTCFullYear() === now.getUTCFullYear() && at.getUTCMonth() === now.getUTCMonth()) return 'earlier this month';
  return `in ${monthName(at, now)}`;
}

/**
 * How long since we last wrote them, for "It's been … since we last wrote": "a few weeks", "a few months",
 * "over a year", "over three years"; null when we wrote in the last weeks, or never.
 */
export function quietFor(lastWrote: Date | null, now: Date): string | null {
  if (!lastWrote) return null;
  const days = (now.getTime() - lastWrote.getTime()) / DAY_MS;
  if (days < QUIET_DAYS) return null;
  if (days < MEANINGFUL_DAYS) return 'a few weeks';
  const years = fullYears(lastWrote, now);
  if (years < 1) return 'a few months';
  return years === 1 ? 'over a year' : `over ${count(years)} years`;
}
