import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { updateCustomerProfile } from '../../core/customers/customers.ts';
import type { User } from '../../core/db/schema.ts';
import { prepareReplyDraft } from '../../core/drafts/drafter.ts';
import { discardDraft, editDraft } from '../../core/drafts/drafts.ts';
import { draftRevisions, restoreRevision } from '../../core/drafts/revisions.ts';
import { evaluateFollowups } from '../../core/followups/evaluate.ts';
import { correctPromise, dismissPromise, listPromises } from '../../core/followups/promise-records.ts';
import { snoozeConversation } from '../../core/followups/reminders.ts';
import { shipRequest, tagRequest } from '../../core/followups/requests.ts';
import { updateFollowupRules } from '../../core/followups/rule-settings.ts';
import { noJobs } from '../../core/jobs.ts';
import { createUser } from '../../core/users/users.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { deliver, US } from '../support/followups.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

interface Person {
  from: string;
  address: string;
  offset: number;
}

const person = (name: string, local: string, offset = 60): Person => ({ from: `${name} <${local}@${local}.example>`, address: `${local}@${local}.example`, offset });

/** Every rule against a clock the test moves: fires once at the right time, not before, never twice. */
describe('follow-up rules', () => {
  let ctx: TestCtx;
  let clock: ManualClock;
  let mailboxId: number;
  let dana: User;
  let sam: User;
  let due: Array<{ id: number; at: string }>;
  let seq = 0;

  const at = (iso: string) => {
    if (clock.now().getTime() < new Date(iso).getTime()) clock.set(iso);
  };
  const customerWrites = async (p: Person, subject: string, when: string, body: string, inReplyTo?: string) => {
    at(when);
    const id = `in${++seq}@${p.address.split('@')[1]}`;
    const r = await deliver(ctx, mailboxId, { id, from: p.from, to: US, subject, at: when, offset: p.offset, body, inReplyTo });
    return { ...r, id };
  };
  const weWrite = async (p: Person, subject: string, when: string, body: string, inReplyTo?: string) => {
    at(when);
    const id = `out${++seq}@fernhill.example`;
    const r = await deliver(ctx, mailboxId, { id, from: `Dana Okafor <${US}>`, to: p.from, subject, at: when, offset: 0, body, inReplyTo });
    return { ...r, id };
  };
  /** A question and our answer: the conversation's last word is ours. */
  const answered = async (p: Person, subject: string, asked: string, answeredAt: string, answer: string) => {
    const q = await customerWrites(p, subject, asked, `Hello, a question about ${subject.toLowerCase()}.`);
    await weWrite(p, `Re: ${subject}`, answeredAt, answer, q.id);
    return q.conversationId;
  };
  const run = (iso: string) => {
    clock.set(iso);
    return evaluateFollowups(ctx, new Date(iso));
  };
  const followupDrafts = () => ctx.db.selectFrom('drafts').selectAll().where('kind', '=', 'followup').orderBy('id').execute();
  const customerOf = async (address: string) =>
    (await ctx.db.selectFrom('customer_addresses').select('customer_id').where('address', '=', address).executeTakeFirstOrThrow()).customer_id;

  beforeEach(async () => {
    clock = new ManualClock('2026-07-01T08:00:00Z');
    due = [];
    ctx = await testContext({ clock, jobs: { ...noJobs, followupDue: async (id, when) => void due.push({ id, at: when.toISOString() }) } });
    mailboxId = (await offlineMailbox(ctx)).id;
    dana = await createUser(ctx, { email: 'dana@fernhill.example', name: 'Dana Okafor', role: 'owner', password: null });
    sam = await createUser(ctx, { email: 'sam@fernhill.example', name: 'Sam Reyes', role: 'agent', password: null });
  });
  afterEach(() => ctx.close());

  it('checks in once, at their morning fourteen days after our answer, with the subject and the gist of what we said', async () => {
    const maria = person('Maria Lopez', 'maria', 60);
    const conversationId = await answered(
      maria,
      'CSV export',
      '2026-11-02T09:00:00Z',
      '2026-11-02T12:00:00Z',
      'Hi Maria,\n\nGo to Settings, then Export, and pick CSV: the file arrives by email within a minute.\n\nDana',
    );
    // Fourteen days on is 16 November, 13:00 her time: the check-in is for her next morning, 9:00 at UTC+01:00.
    expect((await run('2026-11-17T07:59:00Z')).outcomes).toEqual([]);
    expect(await followupDrafts()).toEqual([]);
    expect((await run('2026-11-17T08:00:00Z')).outcomes).toMatchObject([{ rule: 'check_in', result: 'drafted', conversationId }]);
    const [draft] = await followupDrafts();
    expect(draft).toMatchObject({
      status: 'pending',
      kind: 'followup',
      followup_rule: 'check_in',
      subject: 'Re: CSV export',
      to: [{ address: 'maria@maria.example', name: 'Maria Lopez' }],
    });
    expect(draft!.followup_reason).toMatch(
      /We answered "CSV export" on 2026-11-02 and Maria Lopez has not written since \(14 days\); suggested for Tue 17 Nov 2026, 09:00 their time \(UTC\+01:00\)/,
    );
    expect(draft!.body).toMatch(
      /^Hi Maria,\n\nI wanted to check in about "CSV export"\. \[\[ask how it went with what we said: "Go to Settings, then Export, and pick CSV: the file arrives by email within a minute\."\]\]/,
    );

    // Its first version keeps who it goes to: someone added on Cc shows in the history, and going back takes them off.
    await editDraft(ctx, draft!.id, { cc: [{ address: 'jo@maria.example', name: 'Jo' }] }, dana);
    const [edited, first] = await draftRevisions(ctx, draft!.id);
    expect(first).toMatchObject({ change: 'first version', to: [{ address: 'maria@maria.example', name: 'Maria Lopez' }], cc: [] });
    expect(edited!.change).toBe('added jo@maria.example (Cc)');
    expect(await restoreRevision(ctx, draft!.id, first!.id, dana)).toMatchObject({ to: [{ address: 'maria@maria.example' }], cc: [] });

    // Never twice: not while it waits, not after a person discarded it.
    await run('2026-11-18T08:00:00Z');
    await discardDraft(ctx, draft!.id, dana, 'she is fine');
    await run('2026-11-19T08:00:00Z');
    expect(await followupDrafts()).toHaveLength(1);
    const rows = await ctx.db.selectFrom('followups').selectAll().execute();
    expect(rows).toMatchObject([
      { rule: 'check_in', state: 'drafted', draft_id: draft!.id, key: `check_in:conversation:${conversationId}:${new Date('2026-11-02T09:00:00Z').getTime()}` },
    ]);
  });

  it('nudges once when we asked a question and heard nothing for five days, in their morning (New York)', async () => {
    const ben = person('Ben Oduya', 'ben', -300);
    const conversationId = await answered(
      ben,
      'Left-handed santoku',
      '2026-11-02T14:00:00Z',
      '2026-11-02T16:00:00Z',
      'Hi Ben,\n\nWe do make it for left-handers! Which length would you like, 16 or 18 cm?\n\nSam',
    );
    // 7 November 16:00 UTC is 11:00 in New York: the nudge is for 8 November, 9:00 there.
    expect((await run('2026-11-08T13:59:00Z')).outcomes).toEqual([]);
    expect((await run('2026-11-08T14:00:00Z')).outcomes).toMatchObject([{ rule: 'waiting_on_them', result: 'drafted', conversationId }]);
    const [nudge] = await followupDrafts();
    expect(nudge!.body).toContain('[[ask again, kindly: "Which length would you like, 16 or 18 cm?"]]');
    expect(nudge!.followup_reason).toContain('(UTC-05:00)');

    // The nudge goes out (from another mail program); five more silent days bring no second one, nor a check-in.
    await weWrite(ben, 'Re: Left-handed santoku', '2026-11-09T15:00:00Z', 'Hi Ben, just picking this up: 16 or 18 cm?', undefined);
    await run('2026-11-15T14:00:00Z');
    await run('2026-11-24T14:00:00Z');
    expect((await followupDrafts()).map((d) => d.followup_rule)).toEqual(['waiting_on_them']);
  });

  it('nudges, not checks in, when our answer asked for something without a question mark', async () => {
    const pat = person('Pat Doe', 'pat', 0);
    const conversationId = await answered(
      pat,
      'Wrong lid',
      '2026-11-02T09:00:00Z',
      '2026-11-02T10:00:00Z',
      'Hi Pat,\n\nSorry the lid does not fit. Let me know which size you ordered, and I will send the right one.\n\nDana',
    );
    expect((await run('2026-11-08T09:00:00Z')).outcomes).toMatchObject([{ rule: 'waiting_on_them', result: 'drafted', conversationId }]);
    const [nudge] = await followupDrafts();
    expect(nudge!.body).toContain('[[ask again, kindly: "Let me know which size you ordered, and I will send the right one."]]');
    await run('2026-11-17T09:00:00Z');
    expect((await followupDrafts()).map((d) => d.followup_rule)).toEqual(['waiting_on_them']);
  });

  it('keeps in touch after ninety days without mail either way, only with the customers the team chose', async () => {
    const ruth = person('Ruth Calloway', 'ruth', 60);
    const conversationId = await answered(ruth, 'Knife roll', '2026-08-01T09:00:00Z', '2026-08-02T10:00:00Z', 'Hi Ruth,\n\nGlad the knife roll arrived safely.\n\nDana');
    await updateFollowupRules(ctx, { keepInTouch: { onlyTags: ['wholesale'] } }, dana);
    // 2 August + 90 days is 31 October 11:00 her time: due on 1 November, 9:00 at UTC+01:00.
    await run('2026-11-01T09:00:00Z');
    expect(await followupDrafts()).toEqual([]);
    await updateCustomerProfile(ctx, await customerOf(ruth.address), { tags: ['Wholesale'] }, dana);
    expect((await run('2026-11-01T10:00:00Z')).outcomes).toMatchObject([{ rule: 'keep_in_touch', result: 'drafted', conversationId }]);
    const [note] = await followupDrafts();
    expect(note!.body).toMatch(
      /^Hi Ruth,\n\nIt's been a few months since we last wrote\. \[\[a genuine reason you thought of them \(last time they wrote about "Knife roll"\)\]\]/,
    );
    expect(note!.followup_reason).toContain('No mail either way with Ruth Calloway since 2026-08-02 (91 days)');
    await run('2026-11-02T10:00:00Z');
    await run('2026-11-05T10:00:00Z');
    expect(await followupDrafts()).toHaveLength(1);
  });

  it("drafts a new customer's first reply as a welcome for the founder or the chosen person; later mail gets a plain reply", async () => {
    const amara = person('Amara Okoye', 'amara');
    const first = await customerWrites(amara, 'Do you ship to Lagos?', '2026-11-02T09:00:00Z', 'Hello! Do you ship your pans to Lagos?');
    const welcome = await prepareReplyDraft(ctx, first.conversationId);
    const draft = await ctx.db
      .selectFrom('drafts')
      .selectAll()
      .where('id', '=', welcome.drafted ? welcome.draftId : -1)
      .executeTakeFirstOrThrow();
    expect(draft).toMatchObject({ kind: 'reply', followup_rule: 'first_contact', template_name: 'replies/first-contact', author_id: dana.id });
    expect(draft.followup_reason).toBe('The first message ever from Amara Okoye: a personal welcome, drafted for Dana Okafor, not a receipt.');
    expect(draft.body).toMatch(/^Hi Amara,\n\n\[\[a personal welcome/);

    await weWrite(amara, 'Re: Do you ship to Lagos?', '2026-11-02T11:00:00Z', 'Hi Amara, yes we do.', first.id);
    const again = await customerWrites(amara, 'Lids', '2026-11-20T09:00:00Z', 'Do the lids fit the 28 cm pan?');
    const plain = await prepareReplyDraft(ctx, again.conversationId);
    expect(
      await ctx.db
        .selectFrom('drafts')
        .select(['followup_rule', 'template_name'])
        .where('id', '=', plain.drafted ? plain.draftId : -1)
        .executeTakeFirstOrThrow(),
    ).toEqual({ followup_rule: null, template_name: 'replies/returning-customer' });

    await updateFollowupRules(ctx, { firstContact: { personUserId: sam.id } }, dana);
    const kenji = await customerWrites(person('Kenji Sato', 'kenji', 540), 'Whetstone', '2026-11-20T10:00:00Z', 'Which whetstone do you recommend?');
    const forSam = await prepareReplyDraft(ctx, kenji.conversationId);
    expect(
      await ctx.db
        .selectFrom('drafts')
        .select(['author_id', 'followup_reason'])
        .where('id', '=', forSam.drafted ? forSam.draftId : -1)
        .executeTakeFirstOrThrow(),
    ).toMatchObject({ author_id: sam.id, followup_reason: expect.stringContaining('drafted for Sam Reyes') });
  });

  it('reminds us of a promise at the promised time, their morning; follows a correction; skips it when the conversation moved on', async () => {
    const lena = person('Lena Brandt', 'lena', 60);
    const kept = await answered(
      lena,
      'Engraving',
      '2026-11-03T09:00:00Z',
      '2026-11-03T15:00:00Z',
      "Hi Lena,\n\nI'll check with the workshop and get back to you by Friday.\n\nDana",
    );
    const [promise] = await listPromises(ctx.db, kept);
    expect(promise).toMatchObject({
      sentence: "I'll check with the workshop and get back to you by Friday.",
      whenText: 'by Friday',
      dueAt: new Date('2026-11-06T08:00:00Z'),
      state: 'open',
    });

    const tom = person('Tom Baker', 'tom', 60);
    const corrected = await answered(tom, 'Quote', '2026-11-03T09:00:00Z', '2026-11-03T15:00:00Z', 'Hi Tom,\n\nWe will send you the quote tomorrow.\n\nDana');
    const [tomsPromise] = await listPromises(ctx.db, corrected);
    await correctPromise(ctx, tomsPromise!.id, new Date('2026-11-09T08:00:00Z'), sam);

    const mei = person('Mei Chen', 'mei', 480);
    const movedOn = await answered(mei, 'Invoice', '2026-11-03T09:00:00Z', '2026-11-03T10:00:00Z', "Hi Mei,\n\nI'll send the invoice on Monday.\n\nDana");
    await customerWrites(mei, 'Re: Invoice', '2026-11-05T02:00:00Z', 'Thanks! Could you add our VAT number too?', undefined);

    await run('2026-11-06T07:30:00Z');
    expect(await followupDrafts()).toEqual([]);
    // Due within the hour: a delayed job for its exact time.
    const lenasReminder = await ctx.db.selectFrom('followups').select('id').where('promise_id', '=', promise!.id).executeTakeFirstOrThrow();
    expect(due).toContainEqual({ id: lenasReminder.id, at: '2026-11-06T08:00:00.000Z' });
    expect((await run('2026-11-06T08:00:00Z')).outcomes).toMatchObject([{ rule: 'promise', result: 'drafted', conversationId: kept }]);
    const [reminder] = await followupDrafts();
    expect(reminder!.body).toContain(`[[keep the promise: "I'll check with the workshop and get back to you by Friday."]]`);
    expect(reminder!.followup_reason).toContain('by Friday: Fri 6 Nov 2026, 09:00 their time');

    await run('2026-11-09T08:00:00Z');
    expect((await followupDrafts()).map((d) => d.conversation_id)).toEqual([kept, corrected]);
    const skipped = await ctx.db
      .selectFrom('followups')
      .select(['state', 'outcome'])
      .where('conversation_id', '=', movedOn)
      .where('rule', '=', 'promise')
      .executeTakeFirstOrThrow();
    expect(skipped).toEqual({ state: 'skipped', outcome: 'the conversation moved on since the promise' });
    // A promise reminder is the conversation's follow-up: no check-in after it.
    await run('2026-11-18T08:00:00Z');
    expect(await followupDrafts()).toHaveLength(2);

    const dismissedIn = await answered(person('Nadia Haddad', 'nadia'), 'Sizes', '2026-11-20T09:00:00Z', '2026-11-20T10:00:00Z', "I'll measure it tomorrow.");
    const [toDismiss] = await listPromises(ctx.db, dismissedIn);
    await dismissPromise(ctx, toDismiss!.id, sam);
    await run('2026-11-21T09:00:00Z');
    expect(await ctx.db.selectFrom('followups').select('state').where('promise_id', '=', toDismiss!.id).executeTakeFirstOrThrow()).toEqual({ state: 'cancelled' });
  });

  it('brings a snoozed conversation back at its time with the note: as a draft, or beside the draft already open', async () => {
    const owen = person('Owen Pryce', 'owen');
    const quiet = await answered(owen, 'Replacement handle', '2026-11-02T09:00:00Z', '2026-11-02T10:00:00Z', 'Hi Owen, the new handle is in the post.');
    const snooze = await snoozeConversation(ctx, quiet, new Date('2026-11-10T09:00:00Z'), 'Ask whether the replacement fitted', sam);
    expect(due).toEqual([{ id: snooze.followupId, at: '2026-11-10T09:00:00.000Z' }]);
    expect((await ctx.db.selectFrom('conversations').select('snoozed_until').where('id', '=', quiet).executeTakeFirstOrThrow()).snoozed_until).toEqual(
      new Date('2026-11-10T09:00:00Z'),
    );

    const julia = person('Julia Rossi', 'julia');
    const open = await customerWrites(julia, 'Gift wrap', '2026-11-03T09:00:00Z', 'Do you gift wrap?');
    await prepareReplyDraft(ctx, open.conversationId);
    await snoozeConversation(ctx, open.conversationId, new Date('2026-11-10T09:00:00Z'), null, dana);

    expect((await run('2026-11-10T08:59:00Z')).outcomes).toEqual([]);
    const report = await run('2026-11-10T09:00:00Z');
    expect(report.outcomes.map((o) => [o.conversationId, o.result])).toEqual([
      [quiet, 'drafted'],
      [open.conversationId, 'noted'],
    ]);
    const [draft] = await followupDrafts();
    expect(draft).toMatchObject({ conversation_id: quiet, followup_rule: 'remind_me', author_id: sam.id });
    expect(draft!.followup_reason).toBe('Reminder from Sam Reyes, set on 2026-11-02: Ask whether the replacement fitted');
    expect(draft!.body).toContain('[[your note to self: Ask whether the replacement fitted]]');
    const notes = await ctx.db.selectFrom('conversation_notes').select(['conversation_id', 'body']).orderBy('id').execute();
    expect(notes).toEqual([
      { conversation_id: quiet, body: 'Reminder from Sam Reyes, set on 2026-11-02: Ask whether the replacement fitted' },
      { conversation_id: open.conversationId, body: 'Reminder from Dana Okafor, set on 2026-11-03.' },
    ]);
    expect(await ctx.db.selectFrom('conversations').select('snoozed_until').where('snoozed_until', 'is not', null).execute()).toEqual([]);
    await run('2026-11-11T09:00:00Z');
    expect(await ctx.db.selectFrom('conversation_notes').select('id').execute()).toHaveLength(2);
  });

  it('withdraws a waiting follow-up when the customer writes first (marked, not deleted), and drafts the reply instead', async () => {
    const gareth = person('Gareth Pryce', 'gareth');
    const conversationId = await answered(gareth, 'Warped pan', '2026-11-02T09:00:00Z', '2026-11-02T12:00:00Z', 'Hi Gareth, a new pan is on its way.');
    await run('2026-11-17T08:00:00Z');
    const [checkIn] = await followupDrafts();
    expect(checkIn).toMatchObject({ status: 'pending', followup_rule: 'check_in' });

    const wrote = await customerWrites(gareth, 'Re: Warped pan', '2026-11-17T10:00:00Z', 'The new one is perfect, but the lid rattles.', undefined);
    expect(wrote).toMatchObject({ conversationId, draftWanted: true });
    const withdrawn = await ctx.db.selectFrom('drafts').selectAll().where('id', '=', checkIn!.id).executeTakeFirstOrThrow();
    expect(withdrawn).toMatchObject({ status: 'discarded', discard_reason: 'withdrawn: the customer wrote first (2026-11-17T10:00:00.000Z)' });
    expect(await ctx.db.selectFrom('followups').select(['state', 'outcome']).where('draft_id', '=', checkIn!.id).executeTakeFirstOrThrow()).toEqual({
      state: 'withdrawn',
      outcome: withdrawn.discard_reason,
    });
    const reply = await prepareReplyDraft(ctx, conversationId);
    expect(reply.drafted).toBe(true);
    expect(await ctx.db.selectFrom('audit_log').select('action').where('action', '=', 'followup.withdrawn').execute()).toHaveLength(1);
  });

  it('never follows up with a customer marked "do not follow up", and withdraws what was waiting when they are marked', async () => {
    const [a, b] = [person('Priya Nair', 'priya'), person('Lukas Berg', 'lukas')];
    await answered(a, 'Pasta machine', '2026-11-02T09:00:00Z', '2026-11-02T12:00:00Z', 'Hi Priya, the clamp is in the box.');
    await answered(b, 'Copper pot', '2026-11-02T09:00:00Z', '2026-11-02T12:00:00Z', 'Hi Lukas, it is tin-lined.');
    await updateCustomerProfile(ctx, await customerOf(a.address), { doNotFollowUp: true }, dana);
    await run('2026-11-17T08:00:00Z');
    const drafts = await followupDrafts();
    expect(drafts.map((d) => d.to[0]!.address)).toEqual([b.address]);

    await updateCustomerProfile(ctx, await customerOf(b.address), { doNotFollowUp: true }, dana);
    expect((await run('2026-11-17T09:00:00Z')).withdrawn).toBe(1);
    expect(await ctx.db.selectFrom('drafts').select(['status', 'discard_reason']).where('id', '=', drafts[0]!.id).executeTakeFirstOrThrow()).toEqual({
      status: 'discarded',
      discard_reason: 'withdrawn: the customer is marked "do not follow up"',
    });
    await run('2026-11-18T09:00:00Z');
    expect(await followupDrafts()).toHaveLength(1);
  });

  it('keeps one follow-up pending per customer; the next comes when the first is settled', async () => {
    const diego = person('Diego Alvarez', 'diego');
    const first = await answered(diego, 'Paella pan', '2026-11-02T09:00:00Z', '2026-11-02T12:00:00Z', 'Hi Diego, the 38 cm one serves six.');
    const second = await answered(diego, 'Gas burner', '2026-11-02T09:30:00Z', '2026-11-02T12:00:00Z', 'Hi Diego, the burner takes butane.');
    const report = await run('2026-11-17T08:00:00Z');
    expect(report.outcomes.map((o) => o.result).sort()).toEqual(['drafted', 'waiting']);
    expect(report.outcomes.find((o) => o.result === 'waiting')?.why).toBe('another follow-up for this customer is waiting');
    const [one] = await followupDrafts();
    expect([first, second]).toContain(one!.conversation_id);
    await discardDraft(ctx, one!.id, dana, null);
    await run('2026-11-18T08:00:00Z');
    const both = await followupDrafts();
    expect(both.map((d) => d.conversation_id).sort()).toEqual([first, second].sort());
  });

  it('closes the loop: a shipped request drafts one note per customer who asked, quoting their own words', async () => {
    const askers = [
      [person('Camille Dubois', 'camille'), 'Export', 'Bonjour! We do our books in a spreadsheet. A CSV export of orders would save me an hour every month.'],
      [person('Jonas Berg', 'jonas'), 'Feature idea', 'Any chance of exporting my order history as CSV? Our accountant keeps asking.'],
      [person('Elena Petrova', 'elena'), 'Bookkeeping', 'Hi, I would love to download orders to CSV for my bookkeeping.'],
    ] as const;
    const conversations: number[] = [];
    for (const [p, subject, body] of askers) {
      const q = await customerWrites(p, subject, '2026-10-01T09:00:00Z', body);
      await weWrite(p, `Re: ${subject}`, '2026-10-01T12:00:00Z', 'Thanks, noted: we will tell you when it is there.', q.id);
      await tagRequest(ctx, q.conversationId, 'wants: CSV export', null, sam);
      conversations.push(q.conversationId);
    }
    // Jonas asked twice: still one note for him.
    const again = await customerWrites(askers[1][0], 'CSV again', '2026-10-20T09:00:00Z', 'Still hoping for the CSV export!');
    const tagged = await tagRequest(ctx, again.conversationId, 'CSV export', null, sam);
    expect(tagged.askers.map((a) => a.words)).toEqual([
      'A CSV export of orders would save me an hour every month.',
      'Any chance of exporting my order history as CSV?',
      // Their words, never their greeting.
      'I would love to download orders to CSV for my bookkeeping.',
      'Still hoping for the CSV export!',
    ]);
    clock.set('2026-11-20T10:00:00Z');
    const shipped = await shipRequest(ctx, tagged.id, dana);
    expect(shipped.outcomes.map((o) => o.result)).toEqual(['drafted', 'drafted', 'drafted']);
    const notes = await followupDrafts();
    expect(notes.map((d) => d.to[0]!.address)).toEqual(['camille@camille.example', 'jonas@jonas.example', 'elena@elena.example']);
    // They asked in October (tagged the same day): the notes of 20 November say so.
    expect(notes[0]!.body).toContain('You wrote to us in October:\n> A CSV export of orders would save me an hour every month.');
    expect(notes[1]!.body).toContain('> Any chance of exporting my order history as CSV? … Still hoping for the CSV export!');
    expect(notes[1]!.conversation_id).toBe(again.conversationId);
    expect(notes[2]!.body).toContain('> I would love to download orders to CSV for my bookkeeping.');
    for (const n of notes) expect(n).toMatchObject({ followup_rule: 'close_the_loop', author_id: dana.id, status: 'pending' });
    await expect(shipRequest(ctx, tagged.id, dana)).rejects.toMatchObject({ code: 'request_shipped' });
    await run('2026-11-21T10:00:00Z');
    expect(await followupDrafts()).toHaveLength(3);
  });
});
