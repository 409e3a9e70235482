import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import type { User } from '../../core/db/schema.ts';
import { prepareReplyDraft } from '../../core/drafts/drafter.ts';
import { editDraft } from '../../core/drafts/drafts.ts';
import { teamReport } from '../../core/reports/report.ts';
import { createToken } from '../../core/users/tokens.ts';
import { createUser, getUser } from '../../core/users/users.ts';
import { Browserish } from '../support/browserish.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { deliver, US } from '../support/followups.ts';
import { type ServedApp, serveApp } from '../support/http.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

const PASSWORD = 'a long enough password';

/** Each staff member's own time zone: taken from the browser at sign-in, chosen on the account page, used on every page and form. */
describe('staff time zones', () => {
  let ctx: TestCtx;
  let clock: ManualClock;
  let served: ServedApp;
  let url: string;
  let mailboxId: number;
  let priya: User;
  let priyaToken: string;
  /** Priya's browser: a session, so each form's outcome shows on the next page. */
  let browser: Browserish;
  let seq = 0;

  const form = async (path: string, fields: Record<string, string>) => {
    const { csrf } = await browser.get('/account');
    const res = await browser.post(path, { _csrf: csrf, ...fields });
    return { status: res.status, location: res.headers.get('location') };
  };
  const get = async (token: string, path: string) => (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })).text();
  const page = async (path: string) => (await browser.get(path)).text;
  const api = (token: string, method: string, path: string, body?: unknown) => served.call(method, path, body, token);
  /** The flash the next page shows, as a person sees it after a form. */
  const flashOf = (page: string) =>
    /class="flash flash-(?:ok|error)" role="status">([^<]*)</
      .exec(page)?.[1]
      ?.replace(/&quot;/g, '"')
      .replace(/&#x27;/g, "'")
      .replace(/&amp;/g, '&');
  const conversation = async (subject: string, at: string) => {
    clock.set(at);
    return (await deliver(ctx, mailboxId, { id: `tz${++seq}@bakery.example`, from: 'Maria Lopez <maria@bakery.example>', to: US, subject, at, body: `Hello, about ${subject}.` }))
      .conversationId;
  };

  beforeAll(async () => {
    clock = new ManualClock('2026-11-20T12:00:00Z');
    ctx = await testContext({ clock });
    mailboxId = (await offlineMailbox(ctx)).id;
    priya = await createUser(ctx, { email: 'priya@fernhill.example', name: 'Priya Nair', role: 'owner', password: PASSWORD });
    priyaToken = await createToken(ctx, priya.id, 'test');
    served = await serveApp(ctx);
    url = served.url;
    browser = new Browserish(url, '10.7.9.9');
    expect((await browser.signIn('priya@fernhill.example', PASSWORD)).status).toBe(303);
  });

  afterAll(async () => {
    await served?.close();
    await ctx?.close();
  });

  it("takes the browser's zone at the first sign-in, checked, and never over a zone the person has", async () => {
    const sam = await createUser(ctx, { email: 'sam@fernhill.example', name: 'Sam Reyes', role: 'agent', password: PASSWORD });
    const signIn = async (timeZone: string) => {
      const client = new Browserish(url, `10.7.0.${++seq}`);
      const { csrf } = await client.get('/signin');
      expect((await client.post('/signin', { _csrf: csrf, email: 'sam@fernhill.example', password: PASSWORD, timeZone })).status).toBe(303);
      return client;
    };
    for (const junk of ['+05:30', 'Mars/Olympus_Mons']) {
      await signIn(junk);
      expect((await getUser(ctx, sam.id))!.time_zone, junk).toBeNull();
    }
    const client = await signIn('Asia/Calcutta');
    expect((await getUser(ctx, sam.id))!.time_zone).toBe('Asia/Kolkata');
    expect((await client.get('/account')).text).toContain('value="Asia/Kolkata"');
    await signIn('Europe/Berlin');
    expect((await getUser(ctx, sam.id))!.time_zone).toBe('Asia/Kolkata');

    // Someone signed in before zones existed: the first page's script reports it, once.
    const ben = await createUser(ctx, { email: 'ben@fernhill.example', name: 'Ben Ode', role: 'agent', password: PASSWORD });
    const benClient = new Browserish(url, '10.7.1.1');
    await benClient.signIn('ben@fernhill.example', PASSWORD);
    const { csrf, text } = await benClient.get('/');
    expect(text).toContain('data-time-zone="UTC" data-time-zone-unset');
    const report = (timeZone: string) =>
      fetch(`${url}/account/time-zone/browser`, {
        method: 'POST',
        headers: { cookie: benClient.cookie, 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ timeZone }),
      });
    expect((await report('America/New_York')).status).toBe(204);
    expect((await report('Europe/Paris')).status).toBe(204);
    expect((await getUser(ctx, ben.id))!.time_zone).toBe('America/New_York');
    expect((await benClient.get('/')).text).not.toContain('data-time-zone-unset');
  });

  it("takes the first owner's zone from the set-up form", async () => {
    const fresh = await testContext();
    const app = await serveApp(fresh);
    try {
      const client = new Browserish(app.url);
      const { csrf, text } = await client.get('/setup');
      expect(text).toContain('<input type="hidden" name="timeZone" class="browser-time-zone" value="">');
      const form = { _csrf: csrf, name: 'Iris Juniper', email: 'iris@juniper.example', password: PASSWORD, timeZone: 'America/Sao_Paulo' };
      expect((await client.post('/setup', form)).status).toBe(303);
      expect((await fresh.db.selectFrom('users').select('time_zone').executeTakeFirstOrThrow()).time_zone).toBe('America/Sao_Paulo');
    } finally {
      await app.close();
      await fresh.close();
    }
  });

  it('lets a person choose their zone on the account page and by API, refusing names that are not zones', async () => {
    const account = await page('/account');
    expect(account).toContain('<datalist id="time-zones">');
    expect(account).toContain('<option value="Asia/Kolkata">UTC+05:30</option>');
    expect(account).toContain('Yours is not known yet');

    expect(await form('/account/time-zone', { timeZone: 'Mars/Olympus_Mons', back: '/account' })).toEqual({ status: 303, location: '/account' });
    expect(flashOf(await page('/account'))).toBe('"Mars/Olympus_Mons" is not a time zone: choose one from the list, e.g. Europe/Berlin.');
    expect((await getUser(ctx, priya.id))!.time_zone).toBeNull();
    expect(await form('/account/time-zone', { timeZone: 'America/Los_Angeles', back: '/account' })).toEqual({ status: 303, location: '/account' });
    expect((await getUser(ctx, priya.id))!.time_zone).toBe('America/Los_Angeles');
    // 12:00 UTC on 20 November is 04:00 in Los Angeles (winter time).
    const chosen = await page('/account');
    expect(flashOf(chosen)).toContain('Your time zone is America/Los_Angeles: it is 2026-11-20 04:00 PST there.');
    expect(chosen).toContain('It is <strong id="now-there">2026-11-20 04:00 PST</strong> where you are.');

    const refused = await api(priyaToken, 'PATCH', '/api/me', { timeZone: 'UTC+2' });
    expect(refused).toMatchObject({ status: 400, body: { error: { details: { field: 'timeZone' } } } });
    expect((await api(priyaToken, 'GET', '/api/me')).body).toMatchObject({ name: 'Priya Nair', timeZone: 'America/Los_Angeles' });
    expect((await api(priyaToken, 'PATCH', '/api/me', { timeZone: 'europe/berlin' })).body.timeZone).toBe('Europe/Berlin');
    expect((await api(priyaToken, 'PATCH', '/api/me', { timeZone: 'America/Los_Angeles' })).body.timeZone).toBe('America/Los_Angeles');
  });

  it('shows every time on the pages in the reader’s zone, named, while the API keeps UTC instants', async () => {
    const id = await conversation('Oven mitt', '2026-11-20T07:30:00Z');
    const mine = await get(priyaToken, `/conversations/${id}`);
    expect(mine).toContain('<time datetime="2026-11-20T07:30:00.000Z">2026-11-19 23:30 PST</time>');
    expect(mine).not.toMatch(/\d\d:\d\d UTC/);
    expect((await api(priyaToken, 'GET', `/api/conversations/${id}`)).body.messages[0].date).toBe('2026-11-20T07:30:00.000Z');
    // Someone without a zone of their own sees UTC, named.
    const noZone = await createUser(ctx, { email: 'noor@fernhill.example', name: 'Noor Haddad', role: 'owner', password: null });
    const theirs = await get(await createToken(ctx, noZone.id, 't'), `/conversations/${id}`);
    expect(theirs).toContain('2026-11-20 07:30 UTC');
    for (const path of ['/customers', '/settings/audit', '/waiting-on-us']) expect(await get(priyaToken, path), path).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d PST/);
  });

  it('reads every time a person types in their zone: snooze, promise due, send later and move, daylight saving included', async () => {
    const id = await conversation('Stock pot', '2026-11-20T08:00:00Z');
    clock.set('2026-11-20T12:00:00Z');
    expect(await form(`/conversations/${id}/snooze`, { until: '2026-11-25T09:00', note: 'Ask the workshop', back: `/conversations/${id}` })).toMatchObject({
      status: 303,
    });
    const snoozed = await ctx.db.selectFrom('conversations').select('snoozed_until').where('id', '=', id).executeTakeFirstOrThrow();
    expect(snoozed.snoozed_until).toEqual(new Date('2026-11-25T17:00:00Z'));
    const shown = await page(`/conversations/${id}`);
    expect(flashOf(shown)).toBe('Snoozed until 2026-11-25 09:00 PST; it comes back then with your note.');
    expect(shown).toContain('Snoozed until <time datetime="2026-11-25T17:00:00.000Z">2026-11-25 09:00 PST</time>');
    expect(shown).toContain('Remind me at <small class="muted">(your time, America/Los_Angeles)</small>');
    expect(await form(`/conversations/${id}/snooze`, { until: '2026-02-30T09:00', back: `/conversations/${id}` })).toMatchObject({ status: 303 });
    expect(flashOf(await page(`/conversations/${id}`))).toBe('Remind me at: choose a day and a time.');

    // Send later, to a day after the clocks change: 09:00 on 15 March is summer time in Los Angeles (UTC-7).
    await ctx.db.updateTable('conversations').set({ snoozed_until: null }).where('id', '=', id).execute();
    const outcome = await prepareReplyDraft(ctx, id);
    if (!outcome.drafted) throw new Error(outcome.reason);
    const draft = await editDraft(ctx, outcome.draftId, { body: 'Hi Maria,\n\nThe stock pot lid is back in stock next week; I kept one aside for you.\n\nPriya' }, priya);
    expect(await form(`/drafts/${draft.id}/approve`, { when: 'later', sendAt: '2027-03-15T09:00', back: `/conversations/${id}` })).toMatchObject({
      status: 303,
    });
    const approved = await ctx.db.selectFrom('drafts').select(['status', 'send_after']).where('id', '=', draft.id).executeTakeFirstOrThrow();
    expect(approved).toEqual({ status: 'approved', send_after: new Date('2027-03-15T16:00:00Z') });
    const scheduled = await page(`/conversations/${id}`);
    expect(flashOf(scheduled)).toBe('Approved. It goes out at 2027-03-15 09:00 PDT; until then you can move or cancel it here.');
    expect(scheduled).toContain('Move to <small class="muted">(your time, America/Los_Angeles)</small>');
    expect(await get(priyaToken, '/')).toContain('goes out 2027-03-15 09:00 PDT');
    await form(`/drafts/${draft.id}/reschedule`, { when: 'later', sendAt: '2027-03-01T09:00', back: `/conversations/${id}` });
    expect((await ctx.db.selectFrom('drafts').select('send_after').where('id', '=', draft.id).executeTakeFirstOrThrow()).send_after).toEqual(new Date('2027-03-01T17:00:00Z'));
    expect(flashOf(await page(`/conversations/${id}`))).toBe('Moved: it goes out at 2027-03-01 09:00 PST.');
  });

  it('shows a follow-up’s suggested time in the customer’s morning and in the reader’s zone, and sends it then', async () => {
    const id = await conversation('Whisk', '2026-11-20T08:00:00Z');
    clock.set('2026-11-20T12:00:00Z');
    const outcome = await prepareReplyDraft(ctx, id);
    if (!outcome.drafted) throw new Error(outcome.reason);
    // As a follow-up rule would have written it (the page offers the suggestion for follow-ups).
    await ctx.db.updateTable('drafts').set({ kind: 'followup' }).where('id', '=', outcome.draftId).execute();
    await editDraft(ctx, outcome.draftId, { body: 'Hi Maria,\n\nDid the balloon whisk work for your meringue?\n\nPriya' }, priya);
    const shown = await page(`/conversations/${id}`);
    // Maria writes from UTC+01:00: her next 09:00 is 08:00 UTC, midnight in Los Angeles.
    expect(shown).toContain(
      'Suggested: <strong>Sat 21 Nov 2026, 09:00 their time (UTC+01:00)</strong>, when they start their day; for you, <time datetime="2026-11-21T08:00:00.000Z">2026-11-21 00:00 PST</time>.',
    );
    const suggestedAt = /name="suggestedAt" value="([^"]+)"/.exec(shown)![1]!;
    await form(`/drafts/${outcome.draftId}/approve`, { when: 'suggested', suggestedAt, back: `/conversations/${id}` });
    expect((await ctx.db.selectFrom('drafts').select('send_after').where('id', '=', outcome.draftId).executeTakeFirstOrThrow()).send_after).toEqual(
      new Date('2026-11-21T08:00:00Z'),
    );
  });

  it('prefills and reads a promise’s due time in the reader’s zone', async () => {
    const id = await conversation('Engraving', '2026-11-20T08:00:00Z');
    clock.set('2026-11-20T12:00:00Z');
    await deliver(ctx, mailboxId, {
      id: `tz${++seq}@fernhill.example`,
      from: `Priya Nair <${US}>`,
      to: 'Maria Lopez <maria@bakery.example>',
      subject: 'Re: Engraving',
      at: '2026-11-20T12:00:00Z',
      body: "Hi Maria,\n\nI'll send you a proof by Monday.\n\nPriya",
      inReplyTo: `tz${seq - 1}@bakery.example`,
    });
    const promise = await ctx.db
      .selectFrom('promises')
      .innerJoin('messages', 'messages.id', 'promises.message_id')
      .select(['promises.id', 'promises.due_at'])
      .where('messages.conversation_id', '=', id)
      .executeTakeFirstOrThrow();
    const shown = await page(`/conversations/${id}`);
    expect(shown).toContain('Due at <small class="muted">(your time, America/Los_Angeles)</small>');
    const due = /id="promise-\d+-due" name="dueAt" type="datetime-local" required value="([^"]+)"/.exec(shown)![1]!;
    // The field shows the due time on Priya's clock; sent back unchanged, it means the same instant.
    expect(due).toBe(new Date(promise.due_at.getTime() - 8 * 3_600_000).toISOString().slice(0, 16));
    await form(`/promises/${promise.id}/correct`, { dueAt: due, back: `/conversations/${id}` });
    expect((await ctx.db.selectFrom('promises').select('due_at').where('id', '=', promise.id).executeTakeFirstOrThrow()).due_at).toEqual(promise.due_at);
    await form(`/promises/${promise.id}/correct`, { dueAt: '2026-11-23T17:30', back: `/conversations/${id}` });
    expect((await ctx.db.selectFrom('promises').select('due_at').where('id', '=', promise.id).executeTakeFirstOrThrow()).due_at).toEqual(new Date('2026-11-24T01:30:00Z'));
    expect(await page(`/conversations/${id}`)).toContain('<time datetime="2026-11-24T01:30:00.000Z">2026-11-23 17:30 PST</time> (corrected)');
  });

  it('counts the report’s weeks from Monday midnight in the reader’s zone', async () => {
    // Sunday 29 November, 20:00 in Los Angeles, is already Monday 30 November in UTC.
    const sentAt = new Date('2026-11-30T04:00:00Z');
    const draft = await ctx.db.selectFrom('drafts').select('id').where('status', '=', 'approved').executeTakeFirstOrThrow();
    await ctx.db.updateTable('drafts').set({ status: 'sent', sent_at: sentAt, touch_score: 80 }).where('id', '=', draft.id).execute();
    clock.set('2026-12-01T12:00:00Z');
    expect((await teamReport(ctx, { days: 30 })).touchByWeek.map((w) => w.week)).toEqual(['2026-11-30']);
    expect((await teamReport(ctx, { days: 30, timeZone: 'America/Los_Angeles' })).touchByWeek.map((w) => w.week)).toEqual(['2026-11-23']);
  });
});
