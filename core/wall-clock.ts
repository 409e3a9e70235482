/**
 * Wall-clock time in a named IANA time zone (a staff member's), through Intl alone: what an instant reads as
 * on a clock there, and which instant a clock there means. Daylight saving is the zone's own, date by date;
 * for the customer's likely zone (a bare UTC offset) see followups/local-time.ts.
 */

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const DATETIME_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d{1,3})?)?$/;

// Formatters are costly to make and every page asks for many times in the same zone.
const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partsFormatters.set(zone, f);
  }
  return f;
}

/** What a clock in `zone` shows at `at` (to the minute). */
export function wallClockAt(at: Date, zone: string): WallClock {
  const p: Record<string, number> = {};
  for (const part of partsFormatter(zone).formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute! };
}

/** The zone's offset from UTC at that instant, in minutes east (Berlin in winter: 60; New York in summer: -240). */
export function offsetMinutesAt(at: Date, zone: string): number {
  const w = wallClockAt(at, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  return Math.round((asUtc - Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS) / MINUTE_MS);
}

/**
 * The instant a wall-clock time in `zone` names. Around a daylight-saving change it does what people
 * expect (and what Temporal calls "compatible"): a time the clocks skipped (02:30 on the night Berlin springs
 * forward) is read with the offset before the change, landing as far past it (03:30 summer time); a time
 * that happens twice (01:30 on the night New York falls back) is the first of the two.
 */
export function instantOf(wall: WallClock, zone: string): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // At most one change of offset within a day either side, in every zone there is.
  const before = offsetMinutesAt(new Date(asUtc - DAY_MS), zone);
  const after = offsetMinutesAt(new Date(asUtc + DAY_MS), zone);
  const candidates = [...new Set([before, after])].map((offset) => asUtc - offset * MINUTE_MS);
  const real = candidates.filter((t) => offsetMinutesAt(new Date(t), zone) * MINUTE_MS === asUtc - t);
  return new Date(real.length ? Math.min(...real) : asUtc - before * MINUTE_MS);
}

/**
 * What a person typed into a datetime-local field ("2026-03-29T02:30"), as the instant it means in their
 * zone; null when it is not a real day and time (a 31 February, a 25:00).
 */
export function readDatetimeLocal(value: string, zone: string): Date | null {
  const m = DATETIME_LOCAL.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || check.getUTCHours() !== hour || hour > 23 || minute > 59) return null;
  return instantOf({ year, month, day, hour, minute }, zone);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const dayOf = (w: WallClock) => `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
const timeOf = (w: WallClock) => `${pad(w.hour)}:${pad(w.minute)}`;

/** "2026-03-29": the calendar day at that instant in `zone`. */
export function calendarDay(at: Date, zone: string): string {
  return dayOf(wallClockAt(at, zone));
}

/** "2026-03-29T09:30": a datetime-local field's value for that instant in `zone`. */
export function datetimeLocalValue(at: Date, zone: string): string {
  const w = wallClockAt(at, zone);
  return `${dayOf(w)}T${timeOf(w)}`;
}

const nameFormatters = new Map<string, Intl.DateTimeFormat>();
function zoneName(at: Date, zone: string, locale: string): string {
  const key = `${locale} ${zone}`;
  let f = nameFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' });
    nameFormatters.set(key, f);
  }
  return f.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
}

/**
 * The zone's short name at that instant: "PST" and "EDT" (as Americans write them), "CET", "BST" (as the
 * British do), else the offset: "GMT+5:30". Summer and winter names differ, so it also tells which of
 * a repeated hour is meant.
 */
export function zoneAbbreviation(at: Date, zone: string): string {
  for (const locale of ['en-US', 'en-GB']) {
    const name = zoneName(at, zone, locale);
    if (!/^GMT[+-]/.test(name)) return name;
  }
  return zoneName(at, zone, 'en-US');
}

/** "2026-12-04 09:00 CET": every time on the pages, in the reader's zone, named. */
export function formatInZone(at: Date, zone: string): string {
  const w = wallClockAt(at, zone);
  return `${dayOf(w)} ${timeOf(w)} ${zoneAbbreviation(at, zone)}`;
}
