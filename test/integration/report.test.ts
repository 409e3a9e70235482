import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { ingestMessage } from '../../core/intake/intake.ts';
import { ownWords, teamReport } from '../../core/reports/report.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

const US = 'support@fernhill.example';

describe('the report', () => {
  let ctx: TestCtx;
  let mailboxId: number;
  let n = 0;
  const say = async (who: 'them' | 'us', customer: string, date: string, inReplyTo?: string) => {
    const id = `r${++n}@x.example`;
    const from = who === 'them' ? `${customer}@customer.example` : US;
    const to = who === 'them' ? US : `${customer}@customer.example`;
    await ingestMessage(ctx, {
      source: Buffer.from(
        `From: ${from}\r\nTo: ${to}\r\nSubject: ${inReplyTo ? 'Re: ' : ''}Help with ${customer}\r\nDate: ${new Date(date).toUTCString()}\r\nMessage-ID: <${id}>\r\n${inReplyTo ? `In-Reply-To: <${inReplyTo}>\r\n` : ''}\r\nText ${n}\r\n`,
      ),
      origin: 'imap',
      mailboxId,
      historical: true,
    });
    return id;
  };

  beforeAll(async () => {
    ctx = await testContext({ clock: new ManualClock('2026-11-20T12:00:00Z') });
    mailboxId = (await offlineMailbox(ctx)).id;
    // Anna waits 2 h for our first answer, then half an hour for the second.
    let last = await say('them', 'anna', '2026-11-10T10:00:00Z');
    last = await say('us', 'anna', '2026-11-10T12:00:00Z', last);
    last = await say('them', 'anna', '2026-11-10T13:00:00Z', last);
    await say('us', 'anna', '2026-11-10T13:30:00Z', last);
    // Ben writes twice before we answer a day after his first message: one wait, from his first.
    last = await say('them', 'ben', '2026-11-11T09:00:00Z');
    last = await say('them', 'ben', '2026-11-11T15:00:00Z', last);
    await say('us', 'ben', '2026-11-12T09:00:00Z', last);
    // Cleo is still waiting: no answer yet, so no wait counted.
    await say('them', 'cleo', '2026-11-19T09:00:00Z');
  });
  afterAll(() => ctx?.close());

  it('measures how long customers waited for a first answer and for every answer', async () => {
    const report = await teamReport(ctx, { days: 30 });
    expect(report.firstAnswer).toMatchObject({ count: 2, medianHours: 13, slowestHours: 24 });
    expect(report.everyAnswer).toMatchObject({ count: 3, medianHours: 2, slowestHours: 24 });
    expect(report.firstAnswer.buckets.map((b) => b.count)).toEqual([0, 1, 0, 1, 0]);
    expect(report.everyAnswer.buckets.map((b) => b.count)).toEqual([1, 1, 0, 1, 0]);
    // Nobody answered anything in a mailbox with no mail: no figures, not zero hours.
    const none = await teamReport(ctx, { days: 30, mailboxId: 999_999 });
    expect(none.firstAnswer).toMatchObject({ count: 0, medianHours: null, slowestHours: null });
    expect(none.everyAnswer.buckets.every((b) => b.count === 0)).toBe(true);
  });

  it('counts the words a person added to a template', () => {
    expect(ownWords('Hi Anna, thanks!', 'Hi Anna, [[slot]]')).toBe(1);
    expect(ownWords('Completely new words written here by hand', 'Hi [[x]]')).toBe(7);
  });
});
