/**
 * Times in a customer's likely time zone: the fixed UTC offset of their newest Date header. An offset,
 * not a zone: it ignores daylight saving, which moves a suggestion by an hour at most.
 */

export const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** The instant as wall-clock time at that offset, held in a Date's UTC fields. */
export function toLocal(at: Date, offsetMinutes: number | null): Date {
  return new Date(at.getTime() + (offsetMinutes ?? 0) * MINUTE_MS);
}

/** The reverse of toLocal: wall-clock fields at that offset back to the instant. */
export function fromLocal(local: Date, offsetMinutes: number | null): Date {
  return new Date(local.getTime() - (offsetMinutes ?? 0) * MINUTE_MS);
}

/** Midnight of the local day `days` after the local day of `local` (wall-clock, UTC fields). */
export function localDay(local: Date, days = 0): Date {
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + days));
}

/** The first `hour`:00 at that offset at or after `after`: "their morning", not ours. */
export function nextLocalHour(after: Date, offsetMinutes: number | null, hour: number): Date {
  const local = toLocal(after, offsetMinutes);
  let at = fromLocal(new Date(localDay(local).getTime() + hour * 3_600_000), offsetMinutes);
  if (at.getTime() < after.getTime()) at = new Date(at.getTime() + DAY_MS);
  return at;
}

/** `days` after `from`, at the customer's next `hour`:00. */
export function suggestedTime(from: Date, days: number, offsetMinutes: number | null, hour: number): Date {
  return nextLocalHour(new Date(from.getTime() + days * DAY_MS), offsetMinutes, hour);
}

/** "UTC+01:00", "UTC-05:30", or "UTC (their time zone is not known)". */
export function offsetLabel(offsetMinutes: number | null): string {
  if (offsetMinutes === null) return 'UTC (their time zone is not known)';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** "Fri 27 Nov 2026, 09:00" in their wall-clock time. */
export function localLabel(at: Date, offsetMinutes: number | null): string {
  const l = toLocal(at, offsetMinutes);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][l.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][l.getUTCMonth()];
  return `${day} ${l.getUTCDate()} ${month} ${l.getUTCFullYear()}, ${String(l.getUTCHours()).padStart(2, '0')}:${String(l.getUTCMinutes()).padStart(2, '0')}`;
}

/** "2026-11-27": the UTC date, for reasons that name a day. */
export function dayLabel(at: Date): string {
  return at.toISOString().slice(0, 10);
}
