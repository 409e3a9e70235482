import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { jobId } from '../../workers/queues.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { privateRedis } from '../support/redis-keys.ts';
import { SmtpSink, type TestMailbox, testMailbox, waitUntil } from '../support/servers.ts';

const US = 'support@fernhill.example';
const HOUR = 3_600_000;
const mail = (id: string, subject: string, body: string, inReplyTo?: string) =>
  [
    'From: Mei Chen <mei@chen.example>',
    `To: ${US}`,
    `Subject: ${inReplyTo ? 'Re: ' : ''}${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${id}@chen.example>`,
    ...(inReplyTo ? [`In-Reply-To: <${inReplyTo}@chen.example>`] : []),
    '',
    body,
    '',
  ].join('\r\n');

/**
 * Send later: an approved reply waits in the outbox until its time. The database holds the time, so a restart
 * and a flushed Redis change nothing; time is the test's clock, and the delayed job is promoted instead of waited for.
 */
describe('send later', () => {
  const clock = new ManualClock(new Date());
  let sink: SmtpSink;
  let box: TestMailbox;
  let redis: Awaited<ReturnType<typeof privateRedis>>;
  let app: TestApp;

  const pending = async (subject: string) => {
    await waitUntil(
      async () => (await app.api('GET', '/api/drafts?status=pending')).body.some((d: { subject: string }) => d.subject.includes(subject)),
      20_000,
      `the draft for ${subject}`,
    );
    return (await app.api('GET', '/api/drafts?status=pending')).body.find((d: { subject: string }) => d.subject.includes(subject));
  };
  const write = async (draft: { id: number; version: number }, body: string) => (await app.api('PATCH', `/api/drafts/${draft.id}`, { body, baseVersion: draft.version })).body;
  const outboxOf = (draftId: number) => app.rt.ctx.db.selectFrom('outbox').selectAll().where('draft_id', '=', draftId).executeTakeFirstOrThrow();
  /** Fires the send job now, as its delay running out would; the worker decides from the row and the clock. */
  const fire = async (outboxId: number) => {
    const job = await app.rt.queues!.send.getJob(jobId.send(outboxId));
    expect(job, 'a send job in the queue').toBeTruthy();
    await job!.promote();
  };

  beforeAll(async () => {
    sink = await SmtpSink.start();
    box = testMailbox('sendlater');
    redis = await privateRedis();
    await box.append(mail('pan-1', 'Pan handle', 'Hi, the handle of my 28 cm pan wobbles after a month. Can it be fixed? Mei'));
    await box.append(mail('lid-1', 'Glass lid', 'Hello, do you sell the glass lid for the 24 cm pot on its own? Mei'));
    await box.append(mail('oil-1', 'Seasoning oil', 'Which oil do you use to season the carbon steel pans? Mei'));
    app = await startTestApp({ clock, env: { LONGHAND_IMAP_URL: box.imapUrl, LONGHAND_SMTP_URL: sink.url, LONGHAND_FROM: US, REDIS_URL: redis.url } });
  });

  afterAll(async () => {
    await app?.close();
    await redis?.stop();
    await sink?.close();
  });

  it('refuses a time that has passed, one more than a year ahead, and one without its offset, naming the field', async () => {
    const draft = await pending('Seasoning oil');
    const past = await app.api('POST', `/api/drafts/${draft.id}/approve`, { version: draft.version, sendAt: new Date(clock.now().getTime() - 2 * HOUR).toISOString() });
    expect(past.status).toBe(400);
    expect(past.body.error.message).toContain('that time has passed');
    const far = await app.api('POST', `/api/drafts/${draft.id}/approve`, { version: draft.version, sendAt: new Date(clock.now().getTime() + 400 * 24 * HOUR).toISOString() });
    expect(far.status).toBe(400);
    expect(far.body.error.message).toContain('at most 365 days ahead');
    const bare = await app.api('POST', `/api/drafts/${draft.id}/approve`, { version: draft.version, sendAt: '2026-12-24T09:00' });
    expect(bare.status).toBe(400);
    expect(JSON.stringify(bare.body.error)).toContain('sendAt');
    expect((await app.api('GET', `/api/drafts/${draft.id}`)).body.status).toBe('pending');
  });

  it('sends at its time, once, after a restart and a flushed Redis, and not before', async () => {
    const draft = await write(
      await pending('Pan handle'),
      'Hi Mei,\n\nA wobbly handle on the 28 cm pan is a loose rivet; I am posting you a new handle with the screws tomorrow.\n\nSam',
    );
    const at = new Date(clock.now().getTime() + 3 * HOUR);
    const approved = await app.api('POST', `/api/drafts/${draft.id}/approve`, { version: draft.version, sendAt: at.toISOString() });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', sendAfter: at.toISOString() });
    const row = await outboxOf(draft.id);
    expect(row.send_after.toISOString()).toBe(at.toISOString());

    await app.stop();
    await redis.flushAll();
    await app.restart();
    // Fired an hour early (a job that ran before its time): the worker finds the row not due and puts it back.
    clock.advance(HOUR);
    await fire(row.id);
    await waitUntil(async () => (await app.rt.queues!.send.getJob(jobId.send(row.id)))?.isDelayed() ?? false, 15_000, 'the job back in the delayed set');
    expect(sink.received).toHaveLength(0);
    expect((await outboxOf(draft.id)).state).toBe('queued');

    clock.advance(2 * HOUR);
    await fire(row.id);
    await waitUntil(async () => (await outboxOf(draft.id)).state === 'sent', 20_000, 'the scheduled reply sent');
    expect(sink.received.filter((m) => m.parsed.subject?.includes('Pan handle'))).toHaveLength(1);
    expect((await app.api('GET', `/api/drafts/${draft.id}`)).body.status).toBe('sent');
  });

  it('moves a scheduled send until it starts, and is withdrawn back to pending when the customer writes first', async () => {
    const draft = await write(await pending('Glass lid'), 'Hi Mei,\n\nYes, the 24 cm glass lid is sold on its own for 19 euros; I have put one aside for you.\n\nSam');
    const approved = await app.api('POST', `/api/drafts/${draft.id}/approve`, { version: draft.version, sendAt: new Date(clock.now().getTime() + 24 * HOUR).toISOString() });
    expect(approved.status).toBe(200);
    const later = new Date(clock.now().getTime() + 48 * HOUR);
    const moved = await app.api('POST', `/api/drafts/${draft.id}/reschedule`, { sendAt: later.toISOString() });
    expect(moved.body).toMatchObject({ status: 'approved', sendAfter: later.toISOString() });
    expect((await outboxOf(draft.id)).send_after.toISOString()).toBe(later.toISOString());
    const past = await app.api('POST', `/api/drafts/${draft.id}/reschedule`, { sendAt: new Date(clock.now().getTime() - 3 * HOUR).toISOString() });
    expect(past.status).toBe(400);

    await box.append(mail('lid-2', 'Glass lid', 'Never mind, I found one in the cupboard! Thanks, Mei', 'lid-1'));
    await waitUntil(async () => (await app.api('GET', `/api/drafts/${draft.id}`)).body.status === 'pending', 20_000, 'the scheduled reply withdrawn');
    expect((await outboxOf(draft.id)).state).toBe('cancelled');
    expect((await app.api('GET', `/api/drafts/${draft.id}`)).body).toMatchObject({ status: 'pending', sendAfter: null, customerWroteAgain: true });
    const tooLate = await app.api('POST', `/api/drafts/${draft.id}/reschedule`, { sendAt: later.toISOString() });
    expect(tooLate.status).toBe(409);
    expect(sink.received.filter((m) => m.parsed.subject?.includes('Glass lid'))).toHaveLength(0);
  });
});
