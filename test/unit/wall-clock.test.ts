import { describe, expect, it } from 'vitest';
import { knownTimeZone, timeZoneChoices } from '../../core/users/time-zone.ts';
import { calendarDay, datetimeLocalValue, formatInZone, instantOf, offsetMinutesAt, readDatetimeLocal, zoneAbbreviation } from '../../core/wall-clock.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('a typed wall-clock time read in a staff member’s zone', () => {
  it('reads ordinary times with the offset of that day, summer or winter', () => {
    expect(iso(readDatetimeLocal('2026-01-15T09:30', 'Europe/Berlin'))).toBe('2026-01-15T08:30:00.000Z');
    expect(iso(readDatetimeLocal('2026-07-15T09:30', 'Europe/Berlin'))).toBe('2026-07-15T07:30:00.000Z');
    expect(iso(readDatetimeLocal('2026-01-15T09:30', 'America/New_York'))).toBe('2026-01-15T14:30:00.000Z');
    expect(iso(readDatetimeLocal('2026-07-15T09:30', 'America/New_York'))).toBe('2026-07-15T13:30:00.000Z');
    expect(iso(readDatetimeLocal('2026-12-04T09:00', 'Asia/Kolkata'))).toBe('2026-12-04T03:30:00.000Z');
    expect(iso(readDatetimeLocal('2026-12-04T09:00:00', 'UTC'))).toBe('2026-12-04T09:00:00.000Z');
  });

  it('Berlin springs forward: the hour before and after are exact, a skipped 02:30 lands at 03:30 summer time', () => {
    expect(iso(readDatetimeLocal('2026-03-29T01:59', 'Europe/Berlin'))).toBe('2026-03-29T00:59:00.000Z');
    expect(iso(readDatetimeLocal('2026-03-29T02:30', 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z');
    expect(formatInZone(readDatetimeLocal('2026-03-29T02:30', 'Europe/Berlin')!, 'Europe/Berlin')).toBe('2026-03-29 03:30 CEST');
    expect(iso(readDatetimeLocal('2026-03-29T03:00', 'Europe/Berlin'))).toBe('2026-03-29T01:00:00.000Z');
  });

  it('Berlin falls back: a repeated 02:30 is the first (summer time) one, and each reads back with its own name', () => {
    expect(iso(readDatetimeLocal('2026-10-25T02:30', 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z');
    expect(formatInZone(new Date('2026-10-25T00:30:00Z'), 'Europe/Berlin')).toBe('2026-10-25 02:30 CEST');
    expect(formatInZone(new Date('2026-10-25T01:30:00Z'), 'Europe/Berlin')).toBe('2026-10-25 02:30 CET');
    expect(iso(readDatetimeLocal('2026-10-25T03:00', 'Europe/Berlin'))).toBe('2026-10-25T02:00:00.000Z');
    expect(iso(readDatetimeLocal('2026-10-25T01:59', 'Europe/Berlin'))).toBe('2026-10-24T23:59:00.000Z');
  });

  it('New York springs forward at 02:00 and falls back at 02:00, as its own rules say', () => {
    expect(iso(readDatetimeLocal('2026-03-08T01:59', 'America/New_York'))).toBe('2026-03-08T06:59:00.000Z');
    expect(iso(readDatetimeLocal('2026-03-08T02:30', 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
    expect(formatInZone(new Date('2026-03-08T07:30:00Z'), 'America/New_York')).toBe('2026-03-08 03:30 EDT');
    expect(iso(readDatetimeLocal('2026-11-01T01:30', 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
    expect(formatInZone(new Date('2026-11-01T05:30:00Z'), 'America/New_York')).toBe('2026-11-01 01:30 EDT');
    expect(formatInZone(new Date('2026-11-01T06:30:00Z'), 'America/New_York')).toBe('2026-11-01 01:30 EST');
    expect(iso(readDatetimeLocal('2026-11-01T02:00', 'America/New_York'))).toBe('2026-11-01T07:00:00.000Z');
  });

  it('reads back every quarter hour of a year as typed, except the hour the clocks skip', () => {
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe']) {
      const wrong: string[] = [];
      // Every quarter hour of 2026 in steps of 7 h 15 min: each time of day comes round, changes of offset included.
      const times: number[] = [];
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 29 * 15 * 60_000) times.push(t);
      // And every quarter hour of the days the offset changes.
      for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2027, 0, 1); day += 86_400_000) {
        if (offsetMinutesAt(new Date(day), zone) === offsetMinutesAt(new Date(day + 86_400_000), zone)) continue;
        for (let t = day; t < day + 86_400_000; t += 15 * 60_000) times.push(t);
      }
      expect(times.length).toBeGreaterThan(1400);
      for (const t of times) {
        const at = new Date(t);
        const typed = datetimeLocalValue(at, zone);
        const back = readDatetimeLocal(typed, zone)!;
        // A repeated time reads as its first occurrence: the same wall clock, at most the change earlier.
        if (datetimeLocalValue(back, zone) !== typed || back.getTime() > t) wrong.push(`${at.toISOString()} ${typed} ${back.toISOString()}`);
      }
      expect(wrong, zone).toEqual([]);
    }
  });

  it('refuses what is not a real day and time', () => {
    for (const bad of ['2026-02-31T10:00', '2026-13-01T10:00', '2026-01-01T24:00', '2026-01-01T10:60', '2026-01-01', 'tomorrow 9', '']) {
      expect(readDatetimeLocal(bad, 'Europe/Berlin'), bad).toBeNull();
    }
  });
});

describe('an instant shown in a staff member’s zone', () => {
  it('names the zone as people know it, or by its offset', () => {
    expect(formatInZone(new Date('2026-12-04T09:00:00Z'), 'America/Los_Angeles')).toBe('2026-12-04 01:00 PST');
    expect(formatInZone(new Date('2026-07-04T09:00:00Z'), 'America/Los_Angeles')).toBe('2026-07-04 02:00 PDT');
    expect(formatInZone(new Date('2026-07-04T09:00:00Z'), 'Europe/London')).toBe('2026-07-04 10:00 BST');
    expect(formatInZone(new Date('2026-12-04T20:00:00Z'), 'Asia/Kolkata')).toBe('2026-12-05 01:30 GMT+5:30');
    expect(formatInZone(new Date('2026-12-04T09:00:00Z'), 'UTC')).toBe('2026-12-04 09:00 UTC');
    expect(zoneAbbreviation(new Date('2026-12-04T09:00:00Z'), 'Europe/Berlin')).toBe('CET');
  });

  it('gives the calendar day, the datetime-local value and the offset there', () => {
    expect(calendarDay(new Date('2026-12-05T02:00:00Z'), 'America/Los_Angeles')).toBe('2026-12-04');
    expect(datetimeLocalValue(new Date('2026-12-05T02:00:00Z'), 'America/Los_Angeles')).toBe('2026-12-04T18:00');
    expect(offsetMinutesAt(new Date('2026-07-01T00:00:00Z'), 'America/New_York')).toBe(-240);
    expect(offsetMinutesAt(new Date('2026-01-01T00:00:00Z'), 'Asia/Kolkata')).toBe(330);
    expect(iso(instantOf({ year: 2026, month: 12, day: 4, hour: 18, minute: 0 }, 'America/Los_Angeles'))).toBe('2026-12-05T02:00:00.000Z');
  });
});

describe('time zone names', () => {
  it('accepts what Intl knows, spelled as the list spells it, and by its current name', () => {
    expect(knownTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(knownTimeZone(' europe/berlin ')).toBe('Europe/Berlin');
    expect(knownTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(knownTimeZone('Asia/Calcutta')).toBe('Asia/Kolkata');
    expect(knownTimeZone('UTC')).toBe('UTC');
    expect(knownTimeZone('America/Argentina/Buenos_Aires')).toBe('America/Argentina/Buenos_Aires');
  });

  it('refuses offsets, unknown places and anything else', () => {
    for (const bad of ['+05:30', 'Mars/Olympus_Mons', '', 'Europe/Berlin<script>', '../../etc/passwd', 'x'.repeat(100), 42, null]) {
      expect(knownTimeZone(bad), String(bad)).toBeNull();
    }
  });

  it('lists every zone once, by current names, with UTC first', () => {
    const list = timeZoneChoices();
    expect(list[0]).toBe('UTC');
    expect(new Set(list).size).toBe(list.length);
    expect(list).toContain('Asia/Kolkata');
    expect(list).not.toContain('Asia/Calcutta');
    expect(list.filter((z) => knownTimeZone(z) !== z)).toEqual([]);
  });
});
