import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import type { User } from '../../core/db/schema.ts';
import { prepareReplyDraft } from '../../core/drafts/drafter.ts';
import { approveDraft, editDraft } from '../../core/drafts/drafts.ts';
import { shipRequest, tagRequest } from '../../core/followups/requests.ts';
import { parseMessage } from '../../core/mail/parse.ts';
import { buildReply } from '../../core/outbox/reply-message.ts';
import { updateTeamSettings } from '../../core/settings/team-settings.ts';
import { createUser } from '../../core/users/users.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { deliver, US } from '../support/followups.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

const PAT = 'Pat Doe <pat@doe.example>';
const COMPLAINT = [
  'Hi team,',
  '',
  'I ordered the 28 cm pan in November. It arrived with a crack in the handle and I am really disappointed. ' +
    'I followed the care card to the letter and never put it in the dishwasher, so this is not what I paid for. ' +
    'Our dinner party is on Saturday and I was hoping to use it.',
  '',
  'I would like a replacement before the weekend, or my money back.',
  '',
  'Thanks,',
  'Pat',
].join('\n');

/** Their sentences, as a reader would count them: greeting and sign-off lines are not sentences. */
const sentences = (text: string) =>
  text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.split(' ').length >= 4);
const times = (haystack: string, needle: string) => haystack.split(needle).length - 1;

/** What a reply states about the customer, for real conversations through the ingest path. */
describe('the facts a drafted reply states', () => {
  let ctx: TestCtx;
  let clock: ManualClock;
  let mailboxId: number;
  let dana: User;
  let seq = 0;

  const customerWrites = async (from: string, subject: string, at: string, body: string, inReplyTo?: string) => {
    clock.set(at);
    const id = `in${++seq}@customer.example`;
    return { ...(await deliver(ctx, mailboxId, { id, from, to: US, subject, at, body, inReplyTo })), id };
  };
  const weAnswer = (to: string, subject: string, at: string, inReplyTo: string) => {
    clock.set(at);
    return deliver(ctx, mailboxId, {
      id: `out${++seq}@fernhill.example`,
      from: `Dana Okafor <${US}>`,
      to,
      subject: `Re: ${subject}`,
      at,
      offset: 0,
      body: 'Hi,\n\nThe L lid fits it.\n\nDana',
      inReplyTo,
    });
  };
  const draftOf = async (conversationId: number) => {
    const outcome = await prepareReplyDraft(ctx, conversationId);
    if (!outcome.drafted) throw new Error(outcome.reason);
    return ctx.db.selectFrom('drafts').selectAll().where('id', '=', outcome.draftId).executeTakeFirstOrThrow();
  };

  beforeAll(async () => {
    clock = new ManualClock('2026-01-01T08:00:00Z');
    ctx = await testContext({ clock });
    mailboxId = (await offlineMailbox(ctx)).id;
    dana = await createUser(ctx, { email: 'dana@fernhill.example', name: 'Dana Okafor', role: 'owner', password: null });
    // Pat first wrote a week before the complaint; Ruth two years before her question.
    const lid = await customerWrites(PAT, 'Lid size', '2026-11-26T09:00:00Z', 'Hello, which lid fits the 28 cm pan?');
    await weAnswer(PAT, 'Lid size', '2026-11-26T11:00:00Z', lid.id);
    const old = await customerWrites('Ruth Calloway <ruth@calloway.example>', 'Knife roll', '2024-10-02T09:00:00Z', 'Hello, do you make knife rolls?');
    await weAnswer('Ruth Calloway <ruth@calloway.example>', 'Knife roll', '2024-10-02T11:00:00Z', old.id);
  });
  afterAll(() => ctx.close());

  it('quotes none of a complaint twice, in the draft or in the mail as sent, and never their greeting', async () => {
    const complaint = await customerWrites(PAT, 'Cracked handle', '2026-12-03T09:00:00Z', COMPLAINT);
    const draft = await draftOf(complaint.conversationId);
    expect(draft.template_name).toBe('replies/complaint');
    expect(draft.body).not.toContain('Hi team');
    for (const sentence of sentences(COMPLAINT)) expect(times(draft.body, sentence), sentence).toBeLessThanOrEqual(1);
    // What went wrong is named where only the writer sees it, to be answered in their own words.
    expect(draft.body).toContain('[[say plainly what went wrong and that it\'s on us, in your own words: "It arrived with a crack in the handle and I am really disappointed."]]');

    // Written and sent: their message is quoted once, below the reply.
    const body = draft.body
      .replace(/\[\[say plainly[^\]]*\]\]/, 'I am so sorry about the cracked handle; that one slipped past us, and it is on us.')
      .replace('[[what you are doing about it, and by when]]', 'A new pan goes out by express today and reaches you on Friday, before your dinner party.');
    const message = await ctx.db.selectFrom('messages').selectAll().where('id', '=', draft.answers_message_id!).executeTakeFirstOrThrow();
    const raw = await buildReply({
      messageId: 'reply1@fernhill.example',
      date: clock.now(),
      from: { name: 'Dana at Fernhill', address: US },
      to: draft.to,
      cc: draft.cc,
      subject: draft.subject,
      body,
      signature: 'Dana',
      answering: {
        messageId: message.message_id,
        references: message.references,
        date: message.date,
        fromName: message.from_name,
        fromAddress: message.from_address,
        text: message.new_text,
      },
    });
    const sent = (await parseMessage(raw)).text.replace(/^> ?/gm, '').replace(/\s+/g, ' ');
    for (const sentence of sentences(COMPLAINT)) expect(times(sent, sentence), sentence).toBe(1);
  });

  it('says how long we have been writing only when it means something', async () => {
    const week = await customerWrites(PAT, 'Lid for the 24 cm', '2026-12-03T10:00:00Z', 'Hello, and does the L lid also fit the 24 cm pan?');
    const weekDraft = await draftOf(week.conversationId);
    expect(weekDraft.template_name).toBe('replies/returning-customer');
    expect(weekDraft.body).toMatch(/^Hi Pat,\n\nGood to hear from you again\. \[\[/);
    expect(weekDraft.body).not.toContain('writing');

    const years = await customerWrites('Ruth Calloway <ruth@calloway.example>', 'Whetstone', '2026-12-03T11:00:00Z', 'Hello, which whetstone do you use for your knives?');
    expect((await draftOf(years.conversationId)).body).toContain("Good to hear from you again (we've been writing for over two years).");
  });

  it('names the month they asked in a close-the-loop note, not the month it shipped', async () => {
    const asked = await customerWrites(
      'Jonas Berg <jonas@berg.example>',
      'Orders',
      '2026-10-14T09:00:00Z',
      'Hi there,\n\nAny chance of exporting my order history as CSV? Our accountant keeps asking.\n\nJonas',
    );
    await weAnswer('Jonas Berg <jonas@berg.example>', 'Orders', '2026-10-14T12:00:00Z', asked.id);
    clock.set('2026-12-01T09:00:00Z');
    const request = await tagRequest(ctx, asked.conversationId, 'wants: CSV export', null, dana);
    clock.set('2026-12-03T12:00:00Z');
    const shipped = await shipRequest(ctx, request.id, dana);
    expect(shipped.outcomes.map((o) => o.result)).toEqual(['drafted']);
    const note = await ctx.db.selectFrom('drafts').select('body').where('followup_rule', '=', 'close_the_loop').executeTakeFirstOrThrow();
    expect(note.body).toContain('You wrote to us in October:\n> Any chance of exporting my order history as CSV?');
    expect(note.body).not.toContain('December');
  });

  it('holds a freshly drafted reply that is still the template back, even with its brackets taken off', async () => {
    const question = await customerWrites('Mia Jensen <mia@jensen.example>', 'Induction', '2026-12-03T13:00:00Z', 'Hello, does the 28 cm pan work on induction?');
    const draft = await draftOf(question.conversationId);
    await updateTeamSettings(ctx, { minTouchScore: 50 }, dana.id);
    const untouched = await editDraft(ctx, draft.id, { body: draft.body.replace(/\[\[|\]\]/g, '') }, dana);
    const refused = approveDraft(ctx, draft.id, dana);
    await expect(refused).rejects.toMatchObject({ code: 'touch_score_too_low' });
    await expect(refused).rejects.toThrow(/This is still the template: add a few sentences in your own words\./);
    const written = untouched.body.replace('the answer to what they asked', 'Yes: it is carbon steel, which is magnetic, so it heats evenly on an induction hob of any size.');
    await editDraft(ctx, draft.id, { body: written }, dana);
    expect((await approveDraft(ctx, draft.id, dana)).status).toBe('approved');
  });
});
