import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { updateCustomerProfile } from '../../core/customers/customers.ts';
import type { User } from '../../core/db/schema.ts';
import { evaluateFollowups } from '../../core/followups/evaluate.ts';
import { createToken } from '../../core/users/tokens.ts';
import { createUser } from '../../core/users/users.ts';
import { createApp } from '../../server/app.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { deliver, US } from '../support/followups.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

/** Going quiet, Waiting on us, and the follow-up API and pages, on one shop's mail. */
describe('follow-up lists, API and pages', () => {
  let ctx: TestCtx;
  let clock: ManualClock;
  let server: Server;
  let url: string;
  let mailboxId: number;
  let dana: User;
  const tokens = { owner: '', agent: '' };
  const conversations: Record<string, number> = {};
  let seq = 0;

  const call = async (role: keyof typeof tokens, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      redirect: 'manual',
      headers: { authorization: `Bearer ${tokens[role]}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : text) as any, location: res.headers.get('location') };
  };
  const write = async (from: string, to: string, subject: string, at: string, body: string, inReplyTo?: string) => {
    clock.set(at);
    const id = `l${++seq}@test.example`;
    return { ...(await deliver(ctx, mailboxId, { id, from, to, subject, at, body, inReplyTo })), id };
  };
  const customerOf = async (address: string) =>
    (await ctx.db.selectFrom('customer_addresses').select('customer_id').where('address', '=', address).executeTakeFirstOrThrow()).customer_id;

  beforeAll(async () => {
    clock = new ManualClock('2026-08-01T00:00:00Z');
    ctx = await testContext({ clock });
    mailboxId = (await offlineMailbox(ctx)).id;
    dana = await createUser(ctx, { email: 'dana@fernhill.example', name: 'Dana Okafor', role: 'owner', password: null });
    const sam = await createUser(ctx, { email: 'sam@fernhill.example', name: 'Sam Reyes', role: 'agent', password: null });
    tokens.owner = await createToken(ctx, dana.id, 'test');
    tokens.agent = await createToken(ctx, sam.id, 'test');

    // We last wrote Ruth in August, Maria in October, Ben in November: going quiet in that order.
    const us = `Dana Okafor <${US}>`;
    for (const [name, address, subject, asked, answered] of [
      ['Maria Lopez', 'maria@bakery.example', 'CSV export', '2026-10-01T09:00:00Z', '2026-10-01T11:00:00Z'],
      ['Ruth Calloway', 'ruth@cookschool.example', 'Knife roll', '2026-08-03T09:00:00Z', '2026-08-03T10:00:00Z'],
      ['Ben Oduya', 'ben@gmail.com', 'Santoku', '2026-11-02T09:00:00Z', '2026-11-02T10:00:00Z'],
    ] as const) {
      const q = await write(`${name} <${address}>`, US, subject, asked, `Hello, about the ${subject.toLowerCase()}.`);
      await write(us, `${name} <${address}>`, `Re: ${subject}`, answered, `Hi, here is the answer about the ${subject.toLowerCase()}.`, q.id);
      conversations[subject] = q.conversationId;
    }
    await updateCustomerProfile(ctx, await customerOf('ruth@cookschool.example'), { tags: ['wholesale'] }, dana);
    await updateCustomerProfile(ctx, await customerOf('ben@gmail.com'), { tags: ['wholesale'] }, dana);

    // Waiting on us: Jonas since 10 Nov (two messages, the first counts), Lena since 12 Nov, Maria wrote again on 15 Nov.
    const jonas = await write('Jonas Berg <jonas@berg-cafe.example>', US, 'Stock pot lid', '2026-11-10T08:00:00Z', 'Do you sell lids on their own?');
    await write('Jonas Berg <jonas@berg-cafe.example>', US, 'Re: Stock pot lid', '2026-11-11T08:00:00Z', 'Any news?', jonas.id);
    conversations['Stock pot lid'] = jonas.conversationId;
    conversations.Engraving = (await write('Lena Brandt <lena@atelier.example>', US, 'Engraving', '2026-11-12T08:00:00Z', 'Can you engrave a name?')).conversationId;
    conversations.Lids = (await write('Maria Lopez <maria@bakery.example>', US, 'Lids', '2026-11-15T08:00:00Z', 'Do the lids fit?')).conversationId;
    clock.set('2026-11-20T12:00:00Z');

    const app = createApp(ctx, { sessionSecret: 'z'.repeat(64) });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    server?.close();
    await ctx?.close();
  });

  it('orders Going quiet by days since we last wrote, with the last topic, filtered by tag and organization', async () => {
    const all = await call('agent', 'GET', '/api/going-quiet');
    expect(all.body.map((c: any) => [c.name, c.daysSinceWeWrote, c.lastTopic.subject])).toEqual([
      ['Ruth Calloway', 109, 'Knife roll'],
      ['Maria Lopez', 50, 'Lids'],
      ['Ben Oduya', 18, 'Santoku'],
    ]);
    expect((await call('agent', 'GET', '/api/going-quiet?tag=wholesale')).body.map((c: any) => c.name)).toEqual(['Ruth Calloway', 'Ben Oduya']);
    const bakery = all.body.find((c: any) => c.name === 'Maria Lopez').organization;
    expect(bakery).toMatchObject({ name: expect.any(String) });
    expect((await call('agent', 'GET', `/api/going-quiet?organizationId=${bakery.id}`)).body.map((c: any) => c.name)).toEqual(['Maria Lopez']);
    expect((await call('agent', 'GET', '/api/going-quiet?organizationId=x')).status).toBe(400);

    const page = await call('agent', 'GET', '/going-quiet?tag=wholesale');
    expect(page.status).toBe(200);
    expect(page.body.indexOf('Ruth Calloway')).toBeLessThan(page.body.indexOf('Ben Oduya'));
    expect(page.body).not.toContain('Maria Lopez</th>');
    expect(page.body).toContain('aria-current="page">Going quiet</a>');
    const forms = page.body.match(/<form method="post"[\s\S]*?<\/form>/g)!;
    expect(forms.length).toBeGreaterThanOrEqual(3);
    for (const form of forms) expect(form).toMatch(/name="_csrf" value="[^"]+"/);
  });

  it('drafts a keep-in-touch note from the Going quiet button, once', async () => {
    const ruth = await customerOf('ruth@cookschool.example');
    const pressed = await fetch(`${url}/customers/${ruth}/keep-in-touch`, {
      method: 'POST',
      redirect: 'manual',
      headers: { authorization: `Bearer ${tokens.agent}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'back=%2Fgoing-quiet%3Ftag%3Dwholesale',
    });
    expect([pressed.status, pressed.headers.get('location')]).toEqual([303, '/going-quiet?tag=wholesale']);
    const drafts = (await call('agent', 'GET', '/api/drafts?status=pending&kind=followup')).body;
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({
      kind: 'followup',
      conversationId: conversations['Knife roll'],
      followup: { rule: 'keep_in_touch', reason: expect.stringContaining('asked for from the Going quiet page') },
    });
    expect(drafts[0].body).toMatch(/^Hi Ruth,/);
    const again = await call('agent', 'POST', `/api/customers/${ruth}/keep-in-touch`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'followup_not_drafted', message: 'No keep-in-touch note now: a keep-in-touch note was already made since they last wrote.' });
    expect((await call('agent', 'GET', '/going-quiet')).body).toContain('A follow-up is waiting');

    // The conversation page says which rule made the draft, and why.
    const page = await call('agent', 'GET', `/conversations/${conversations['Knife roll']}`);
    expect(page.body).toMatch(/<p class="followup-why" id="followup-why"><strong>Keep in touch:<\/strong> No mail either way with Ruth Calloway since 2026-08-03/);
  });

  it('orders Waiting on us oldest first, with how long each has waited', async () => {
    const rows = (await call('agent', 'GET', '/api/waiting-on-us')).body;
    expect(rows.map((r: any) => [r.subject, r.waitingSince, r.waitedHours])).toEqual([
      ['Stock pot lid', '2026-11-10T08:00:00.000Z', 244],
      ['Engraving', '2026-11-12T08:00:00.000Z', 196],
      ['Lids', '2026-11-15T08:00:00.000Z', 124],
    ]);
    expect((await call('agent', 'GET', '/api/waiting-on-us?tag=wholesale')).body).toEqual([]);
    const page = (await call('agent', 'GET', '/waiting-on-us')).body as string;
    const order = ['Stock pot lid', 'Engraving', 'Lids'].map((s) => page.indexOf(`>${s}</a>`));
    expect(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]!))).toBe(true);
    expect(page).toMatch(/<td[^>]*>10 days<\/td>/);
  });

  it('lets owners change the rules, naming a wrong field, and shows them to everyone', async () => {
    expect((await call('agent', 'GET', '/api/followup-rules')).body).toMatchObject({
      checkIn: { enabled: true, days: 14 },
      keepInTouch: { days: 90 },
      waitingOnThem: { days: 5 },
      firstContact: { personUserId: null },
    });
    expect((await call('agent', 'PUT', '/api/followup-rules', { checkIn: { days: 10 } })).status).toBe(403);
    const bad = await call('owner', 'PUT', '/api/followup-rules', { checkIn: { days: 0 } });
    expect([bad.status, bad.body.error.details.field]).toEqual([400, 'checkIn.days']);
    expect((await call('owner', 'PUT', '/api/followup-rules', { firstContact: { personUserId: 999 } })).body.error.details.field).toBe('firstContact.personUserId');
    const saved = await call('owner', 'PUT', '/api/followup-rules', { checkIn: { days: 10 }, keepInTouch: { onlyTags: ['wholesale'] } });
    expect(saved.body).toMatchObject({ checkIn: { enabled: true, days: 10 }, keepInTouch: { enabled: true, days: 90, onlyTags: ['wholesale'] } });
    expect((await call('agent', 'GET', '/followups/rules')).status).toBe(403);
    const form = (await call('owner', 'GET', '/followups/rules')).body as string;
    expect(form).toContain('name="checkInDays" type="number" min="1" max="365" required value="10"');
    expect(form).toContain('name="keepInTouchMinDaysSinceWeWrote" type="number" min="0" max="365" required value="14"');
    expect(form).toMatch(/name="_csrf" value="[^"]+"/);
    const posted = await fetch(`${url}/followups/rules`, {
      method: 'POST',
      redirect: 'manual',
      headers: { authorization: `Bearer ${tokens.owner}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        back: '/followups/rules',
        morningHour: '8',
        checkInEnabled: 'on',
        checkInDays: '14',
        keepInTouchDays: '90',
        keepInTouchTags: '',
        keepInTouchMinConversations: '0',
        firstContactEnabled: 'on',
        firstContactPerson: '',
        waitingOnThemEnabled: 'on',
        waitingOnThemDays: '5',
        promisesEnabled: 'on',
        remindMeEnabled: 'on',
        closeTheLoopEnabled: 'on',
      }).toString(),
    });
    expect(posted.status).toBe(303);
    expect((await call('agent', 'GET', '/api/followup-rules')).body).toMatchObject({ morningHour: 8, checkIn: { days: 14 }, keepInTouch: { enabled: false, onlyTags: [] } });
  });

  it('snoozes with a reminder, finds and corrects promises, and tags requests, by API', async () => {
    const lids = conversations.Lids!;
    expect((await call('agent', 'POST', `/api/conversations/${lids}/snooze`, { until: '2026-11-19T09:00:00Z' })).body.error.details.field).toBe('until');
    expect((await call('agent', 'POST', `/api/conversations/${lids}/snooze`, { until: 'soon' })).status).toBe(400);
    const snoozed = await call('agent', 'POST', `/api/conversations/${lids}/snooze`, { until: '2026-11-25T09:00:00+01:00', note: 'Check the lid sizes with the workshop' });
    expect(snoozed.status).toBe(201);
    expect(snoozed.body).toMatchObject({ snoozedUntil: '2026-11-25T08:00:00.000Z', note: 'Check the lid sizes with the workshop' });
    expect((await call('agent', 'GET', `/api/followups?rule=remind_me&state=scheduled`)).body).toMatchObject([
      { conversationId: lids, dueAt: '2026-11-25T08:00:00.000Z', note: 'Check the lid sizes with the workshop' },
    ]);
    const page = (await call('agent', 'GET', `/conversations/${lids}`)).body as string;
    expect(page).toContain('Snoozed until <time datetime="2026-11-25T08:00:00.000Z">2026-11-25 08:00 UTC</time>: Check the lid sizes with the workshop');
    expect((await call('agent', 'DELETE', `/api/conversations/${lids}/snooze`)).status).toBe(204);
    expect((await call('agent', 'GET', `/api/followups?rule=remind_me`)).body).toMatchObject([{ state: 'cancelled' }]);

    const engraving = conversations.Engraving!;
    await write(`Dana Okafor <${US}>`, 'Lena Brandt <lena@atelier.example>', 'Re: Engraving', '2026-11-20T12:00:00Z', "Hi Lena,\n\nYes! I'll send you a proof by Monday.\n\nDana");
    const [promise] = (await call('agent', 'GET', `/api/conversations/${engraving}/promises`)).body;
    expect(promise).toMatchObject({ sentence: "I'll send you a proof by Monday.", whenText: 'by Monday', state: 'open', reminder: { state: 'scheduled' } });
    const corrected = await call('agent', 'PATCH', `/api/promises/${promise.id}`, { dueAt: '2026-11-24T10:00:00Z' });
    expect(corrected.body).toMatchObject({ due_at: '2026-11-24T10:00:00.000Z', state: 'open' });
    expect((await call('agent', 'GET', `/conversations/${engraving}`)).body).toContain('<strong>by Monday</strong>, due <time datetime="2026-11-24T10:00:00.000Z">');
    expect((await call('agent', 'POST', `/api/promises/${promise.id}/dismiss`)).body.state).toBe('dismissed');
    expect((await call('agent', 'GET', `/api/conversations/${engraving}/promises`)).body[0].reminder.state).toBe('cancelled');

    const tagged = await call('agent', 'POST', `/api/conversations/${engraving}/requests`, { label: 'wants: Engraving on knives' });
    expect(tagged.status).toBe(201);
    expect(tagged.body).toMatchObject({ label: 'Engraving on knives', state: 'open', askers: [{ conversationId: engraving, words: 'Can you engrave a name?' }] });
    expect((await call('agent', 'GET', '/api/requests?state=open')).body.map((r: any) => r.label)).toEqual(['Engraving on knives']);
    expect((await call('agent', 'GET', '/requests')).body).toContain('<q>Can you engrave a name?</q>');
    const shipped = await call('agent', 'POST', `/api/requests/${tagged.body.id}/ship`);
    expect(shipped.body).toMatchObject({ request: { state: 'shipped' }, drafted: [{ customerId: await customerOf('lena@atelier.example') }] });
    expect((await call('agent', 'POST', `/api/requests/${tagged.body.id}/ship`)).body.error.code).toBe('request_shipped');
    expect(
      (
        await ctx.db
          .selectFrom('audit_log')
          .select('action')
          .where('action', 'in', [
            'conversation.snoozed',
            'conversation.unsnoozed',
            'promise.corrected',
            'promise.dismissed',
            'request.tagged',
            'request.shipped',
            'followups.rules_changed',
          ])
          .execute()
      ).length,
    ).toBeGreaterThanOrEqual(7);
  });

  it('lists follow-up drafts with their rule in the drafts API after an evaluation', async () => {
    // We answered Ben on 2 November and he has not written since: his check-in is due.
    const report = await evaluateFollowups(ctx, new Date('2026-11-21T09:00:00Z'));
    expect(report.outcomes.filter((o) => o.result === 'drafted').map((o) => [o.rule, o.conversationId])).toEqual([['check_in', conversations.Santoku]]);
    const pending = (await call('agent', 'GET', '/api/drafts?status=pending&kind=followup')).body;
    expect(pending.map((d: any) => d.followup.rule).sort()).toEqual(['check_in', 'close_the_loop', 'keep_in_touch']);
  });

  it('never offers a keep-in-touch note to a customer waiting on us, or whom we wrote to in the last fourteen days', async () => {
    const us = `Dana Okafor <${US}>`;
    // Olga's older conversation is still unanswered, though we answered her newer one (17 days ago); we answered Kenji yesterday.
    await write('Olga Ivanova <olga@ivanova.example>', US, 'Whetstone grit', '2026-11-01T09:00:00Z', 'Which grit should I start with?');
    const gift = await write('Olga Ivanova <olga@ivanova.example>', US, 'Gift card', '2026-11-02T09:00:00Z', 'Do you sell gift cards?');
    await write(us, 'Olga Ivanova <olga@ivanova.example>', 'Re: Gift card', '2026-11-03T09:00:00Z', 'Hi Olga, yes, from 20 euros.', gift.id);
    const pan = await write('Kenji Sato <kenji@sato.example>', US, 'Carbon steel pan', '2026-11-19T08:00:00Z', 'How do I season it?');
    await write(us, 'Kenji Sato <kenji@sato.example>', 'Re: Carbon steel pan', '2026-11-19T10:00:00Z', 'Hi Kenji, a thin layer of oil, then an hour in the oven.', pan.id);
    clock.set('2026-11-20T12:00:00Z');
    const [olga, kenji, maria] = await Promise.all(['olga@ivanova.example', 'kenji@sato.example', 'maria@bakery.example'].map(customerOf));

    const page = (await call('agent', 'GET', '/going-quiet')).body as string;
    const row = (id: number) => page.match(new RegExp(`<tr data-customer="${id}">[\\s\\S]*?</tr>`))![0];
    for (const id of [olga, kenji, maria]) expect(row(id)).not.toContain('Draft a keep-in-touch note');
    expect(row(olga)).toContain('Waiting for our answer: <a href="/conversations/');
    expect(row(olga)).toContain('>Whetstone grit</a>');
    expect(row(maria)).toContain('>Lids</a>');
    expect(row(kenji)).toContain('We wrote 1 day ago');

    for (const id of [olga, kenji]) expect((await call('agent', 'POST', `/api/customers/${id}/keep-in-touch`)).status).toBe(409);
    expect((await call('agent', 'POST', `/api/customers/${olga}/keep-in-touch`)).body.error.message).toBe(
      'No keep-in-touch note now: "Whetstone grit" is waiting for our answer: answer it first.',
    );
    expect((await call('agent', 'POST', `/api/customers/${kenji}/keep-in-touch`)).body.error.message).toBe(
      'No keep-in-touch note now: we wrote to them on 2026-11-19, less than 14 days ago.',
    );

    // The window is the team's: with none, Kenji can have one (Olga still cannot).
    expect((await call('owner', 'PUT', '/api/followup-rules', { keepInTouch: { minDaysSinceWeWrote: 0 } })).body.keepInTouch).toMatchObject({ minDaysSinceWeWrote: 0 });
    expect((await call('agent', 'GET', '/going-quiet')).body).toContain(`aria-label="Draft a keep-in-touch note to Kenji Sato"`);
    expect((await call('agent', 'POST', `/api/customers/${kenji}/keep-in-touch`)).status).toBe(201);
    expect((await call('agent', 'POST', `/api/customers/${olga}/keep-in-touch`)).status).toBe(409);
    await call('owner', 'PUT', '/api/followup-rules', { keepInTouch: { minDaysSinceWeWrote: 14 } });
  });
});
