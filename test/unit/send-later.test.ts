import { describe, expect, it } from 'vitest';
import { sendTime, suggestedSendTime } from '../../core/drafts/send-later.ts';
import { ValidationError } from '../../core/errors.ts';

const now = new Date('2026-12-03T16:00:00Z');

describe('sendTime', () => {
  it('is the end of the undo window without a chosen time, and never earlier than it with one', () => {
    expect(sendTime(now, 10_000).toISOString()).toBe('2026-12-03T16:00:10.000Z');
    expect(sendTime(now, 10_000, new Date('2026-12-03T16:00:03Z')).toISOString()).toBe('2026-12-03T16:00:10.000Z');
    expect(sendTime(now, 10_000, new Date('2026-12-04T08:00:00Z')).toISOString()).toBe('2026-12-04T08:00:00.000Z');
  });

  it('takes a time typed a moment ago as now, and refuses one that has passed or lies over a year ahead', () => {
    expect(sendTime(now, 0, new Date('2026-12-03T15:59:30Z')).toISOString()).toBe('2026-12-03T16:00:00.000Z');
    expect(() => sendTime(now, 0, new Date('2026-12-03T15:00:00Z'))).toThrow(ValidationError);
    expect(() => sendTime(now, 0, new Date('2027-12-05T00:00:00Z'))).toThrow('at most 365 days ahead');
    expect(() => sendTime(now, 0, new Date('not a time'))).toThrow('not a time');
  });
});

describe('suggestedSendTime', () => {
  it('is the next 9:00 in the customer’s time zone', () => {
    // 16:00 UTC is 17:00 in Berlin (UTC+1): their next 9:00 is tomorrow, 08:00 UTC.
    expect(suggestedSendTime(now, 60).toISOString()).toBe('2026-12-04T08:00:00.000Z');
    // 16:00 UTC is 08:00 in San Francisco (UTC-8): 9:00 is still ahead today, 17:00 UTC.
    expect(suggestedSendTime(now, -480).toISOString()).toBe('2026-12-03T17:00:00.000Z');
    // Unknown zone: 9:00 UTC.
    expect(suggestedSendTime(now, null).toISOString()).toBe('2026-12-04T09:00:00.000Z');
  });
});
