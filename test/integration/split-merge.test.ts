import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { mergeConversationsByStaff, splitConversation } from '../../core/conversations/split-merge.ts';
import type { User } from '../../core/db/schema.ts';
import { prepareReplyDraft } from '../../core/drafts/drafter.ts';
import { ingestMessage } from '../../core/intake/intake.ts';
import { createUser } from '../../core/users/users.ts';
import { type Composed, compose } from '../support/compose.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

const US = 'support@fernhill.example';
const GARETH = 'Gareth Pryce <gareth@pryce.example>';

/** Staff split and merge conversations; later mail, and the same mail synced again, respect what they did. */
describe('conversation split and merge', () => {
  let ctx: TestCtx;
  let staff: User;
  let mailboxId: number;
  const ingest = (m: Composed, historical = false) => ingestMessage(ctx, { source: compose(m), origin: 'imap', mailboxId, historical });
  const conversationOf = async (messageId: string) =>
    (await ctx.db.selectFrom('messages').select('conversation_id').where('message_id', '=', messageId).executeTakeFirstOrThrow()).conversation_id;
  const messageIdsIn = async (conversationId: number) =>
    (await ctx.db.selectFrom('messages').select('message_id').where('conversation_id', '=', conversationId).orderBy('date').execute()).map((m) => m.message_id);
  const conversationCount = async () => (await ctx.db.selectFrom('conversations').select('id').execute()).length;

  const g1: Composed = { id: 'g1@pryce.example', from: GARETH, subject: 'Warped frying pan', date: 'Mon, 16 Nov 2026 09:00:00 +0000', body: 'The pan warped after two uses.' };
  const r1: Composed = {
    id: 'r1@fernhill.example',
    from: `Dana <${US}>`,
    to: GARETH,
    subject: 'Re: Warped frying pan',
    date: 'Mon, 16 Nov 2026 11:00:00 +0000',
    body: 'So sorry, a new one is on its way.',
    inReplyTo: 'g1@pryce.example',
    references: ['g1@pryce.example'],
  };
  const g2: Composed = {
    id: 'g2@pryce.example',
    from: GARETH,
    subject: 'Re: Warped frying pan',
    date: 'Tue, 17 Nov 2026 08:00:00 +0000',
    body: 'Thank you! It arrived.',
    inReplyTo: 'r1@fernhill.example',
    references: ['g1@pryce.example', 'r1@fernhill.example'],
  };
  const g3: Composed = {
    id: 'g3@pryce.example',
    from: GARETH,
    subject: 'Re: Warped frying pan',
    date: 'Wed, 18 Nov 2026 08:00:00 +0000',
    body: 'Another thing entirely: do you sell gift cards?',
    inReplyTo: 'g2@pryce.example',
    references: ['g1@pryce.example', 'r1@fernhill.example', 'g2@pryce.example'],
  };

  beforeEach(async () => {
    ctx = await testContext({ clock: new ManualClock('2026-11-20T12:00:00Z') });
    staff = await createUser(ctx, { email: 'dana@fernhill.example', name: 'Dana Okafor', role: 'approver' });
    const mailbox = await offlineMailbox(ctx);
    mailboxId = mailbox.id;
    await ctx.db.updateTable('mailboxes').set({ initial_sync_done: true }).where('id', '=', mailboxId).execute();
  });
  afterEach(() => ctx.close());

  it('keeps a split apart through a re-sync, a copy of a moved message, and replies that reference both parts', async () => {
    for (const m of [g1, r1, g2, g3]) await ingest(m);
    const original = await conversationOf('g1@pryce.example');
    const g3Row = await ctx.db.selectFrom('messages').select('id').where('message_id', '=', 'g3@pryce.example').executeTakeFirstOrThrow();
    const before = await ctx.db.selectFrom('conversations').select('version').where('id', '=', original).executeTakeFirstOrThrow();

    const split = await splitConversation(ctx, original, [g3Row.id], staff);
    expect(await messageIdsIn(original)).toEqual(['g1@pryce.example', 'r1@fernhill.example', 'g2@pryce.example']);
    expect(await messageIdsIn(split.newConversationId)).toEqual(['g3@pryce.example']);
    const [after, fresh] = await Promise.all(
      [original, split.newConversationId].map((id) => ctx.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow()),
    );
    expect(after!.version).toBeGreaterThan(before.version);
    expect(fresh).toMatchObject({ customer_id: after!.customer_id, status: 'waiting_on_us', subject: 'Re: Warped frying pan' });

    // The mailbox synced again from the start: the same messages, the same bytes.
    for (const m of [g3, g2, r1, g1]) expect((await ingest(m, true)).duplicate).toBe(true);
    // A copy of the moved message with other bytes (another folder's copy) finds its own part.
    await ingest({ ...g3, headers: ['X-Folder: Archive'] }, true);
    // A reply to the split-off message names every earlier message: it goes to its parent's part.
    await ingest({
      id: 'g4@pryce.example',
      from: GARETH,
      subject: 'Re: Warped frying pan',
      date: 'Thu, 19 Nov 2026 08:00:00 +0000',
      body: 'Or vouchers?',
      inReplyTo: 'g3@pryce.example',
      references: ['g1@pryce.example', 'r1@fernhill.example', 'g2@pryce.example', 'g3@pryce.example'],
    });
    // A reply in the first part, quoting the split-off message too.
    await ingest({
      id: 'g5@pryce.example',
      from: GARETH,
      subject: 'Re: Warped frying pan',
      date: 'Thu, 19 Nov 2026 09:00:00 +0000',
      body: 'The pan is great now.',
      inReplyTo: 'g2@pryce.example',
      references: ['g1@pryce.example', 'g3@pryce.example', 'g2@pryce.example'],
    });
    // And one with no references at all: it joins the nearer part by subject, never both.
    await ingest({ id: 'g6@pryce.example', from: GARETH, subject: 'Re: Warped frying pan', date: 'Thu, 19 Nov 2026 09:30:00 +0000', body: 'PS: one more photo.' });

    expect(await conversationCount()).toBe(2);
    expect(await messageIdsIn(original)).toEqual(['g1@pryce.example', 'r1@fernhill.example', 'g2@pryce.example', 'g5@pryce.example', 'g6@pryce.example']);
    expect(await messageIdsIn(split.newConversationId)).toEqual(['g3@pryce.example', 'g3@pryce.example', 'g4@pryce.example']);
    const audit = await ctx.db.selectFrom('audit_log').select(['action', 'actor_user_id']).where('action', '=', 'conversation.split').execute();
    expect(audit).toEqual([{ action: 'conversation.split', actor_user_id: staff.id }]);
  });

  it('keeps a merge through a re-sync and later mail, and lets a merge undo a split', async () => {
    const a = await ingest({ id: 'a1@pryce.example', from: GARETH, subject: 'Lid for the 28 cm pan', date: 'Mon, 16 Nov 2026 09:00:00 +0000', body: 'Do you sell a lid?' });
    const b = await ingest({
      id: 'b1@pryce.example',
      from: GARETH,
      subject: 'Delivery to Cardiff',
      date: 'Mon, 16 Nov 2026 10:00:00 +0000',
      body: 'And do you deliver to Cardiff?',
    });
    expect(a.conversationId).not.toBe(b.conversationId);
    await mergeConversationsByStaff(ctx, a.conversationId, b.conversationId, staff);
    expect(await messageIdsIn(a.conversationId)).toEqual(['a1@pryce.example', 'b1@pryce.example']);
    expect(await ctx.db.selectFrom('conversations').select('id').where('id', '=', b.conversationId).executeTakeFirst()).toBeUndefined();

    expect(
      (
        await ingest(
          { id: 'b1@pryce.example', from: GARETH, subject: 'Delivery to Cardiff', date: 'Mon, 16 Nov 2026 10:00:00 +0000', body: 'And do you deliver to Cardiff?' },
          true,
        )
      ).duplicate,
    ).toBe(true);
    const reply = await ingest({
      id: 'b2@pryce.example',
      from: GARETH,
      subject: 'Re: Delivery to Cardiff',
      date: 'Tue, 17 Nov 2026 10:00:00 +0000',
      body: 'Any news?',
      inReplyTo: 'b1@pryce.example',
      references: ['b1@pryce.example'],
    });
    expect(reply.conversationId).toBe(a.conversationId);
    expect(await conversationCount()).toBe(1);

    // Split again, then merge back: the split no longer holds, and a reply linking both stays in one.
    const bRows = await ctx.db.selectFrom('messages').select('id').where('message_id', 'in', ['b1@pryce.example', 'b2@pryce.example']).execute();
    const split = await splitConversation(
      ctx,
      a.conversationId,
      bRows.map((r) => r.id),
      staff,
    );
    expect(await ctx.db.selectFrom('conversation_splits').selectAll().execute()).toHaveLength(1);
    await mergeConversationsByStaff(ctx, a.conversationId, split.newConversationId, staff);
    expect(await ctx.db.selectFrom('conversation_splits').selectAll().execute()).toHaveLength(0);
    await ingest({
      id: 'b3@pryce.example',
      from: GARETH,
      subject: 'Re: Delivery to Cardiff',
      date: 'Wed, 18 Nov 2026 10:00:00 +0000',
      body: 'Both fine.',
      inReplyTo: 'b2@pryce.example',
      references: ['a1@pryce.example', 'b2@pryce.example'],
    });
    expect(await conversationCount()).toBe(1);
  });

  it('merges two branches when their missing parent arrives, and one open draft survives', async () => {
    // Two replies whose parents we never saw: two conversations, each drafted.
    const left = await ingest({
      id: 'x2@pryce.example',
      from: GARETH,
      subject: 'Re: Knife sharpening',
      date: 'Mon, 16 Nov 2026 09:00:00 +0000',
      body: 'How often should I sharpen it?',
      inReplyTo: 'x1@pryce.example',
      references: ['x0@fernhill.example', 'x1@pryce.example'],
    });
    const right = await ingest({
      id: 'y2@pryce.example',
      from: GARETH,
      subject: 'Re: Whetstone',
      date: 'Mon, 16 Nov 2026 10:00:00 +0000',
      body: 'Which whetstone do you recommend?',
      inReplyTo: 'y1@fernhill.example',
      references: ['y1@fernhill.example'],
    });
    const drafts = [await prepareReplyDraft(ctx, left.conversationId), await prepareReplyDraft(ctx, right.conversationId)];
    expect(drafts.every((d) => d.drafted)).toBe(true);

    // Our earlier reply (y1) answered x0 and x1: the two threads are one.
    await ingest(
      {
        id: 'y1@fernhill.example',
        from: `Dana <${US}>`,
        to: GARETH,
        subject: 'Re: Knife sharpening',
        date: 'Sun, 15 Nov 2026 10:00:00 +0000',
        body: 'Every few months.',
        inReplyTo: 'x1@pryce.example',
        references: ['x0@fernhill.example', 'x1@pryce.example'],
      },
      true,
    );
    expect(await conversationCount()).toBe(1);
    const kept = await conversationOf('y2@pryce.example');
    expect(kept).toBe(Math.min(left.conversationId, right.conversationId));
    const all = await ctx.db.selectFrom('drafts').select(['id', 'status', 'discard_reason', 'conversation_id']).orderBy('id').execute();
    expect(all.map((d) => d.status)).toEqual(['pending', 'discarded']);
    expect(all[1]!.discard_reason).toMatch(/merged/);
    expect(all.every((d) => d.conversation_id === kept)).toBe(true);
  });

  it('does not merge two conversations staff split apart when a late parent links them', async () => {
    await ingest({
      id: 'p2@pryce.example',
      from: GARETH,
      subject: 'Re: Order 1042',
      date: 'Mon, 16 Nov 2026 09:00:00 +0000',
      body: 'Where is it?',
      inReplyTo: 'p1@fernhill.example',
      references: ['p1@fernhill.example'],
    });
    await ingest({
      id: 'p3@pryce.example',
      from: GARETH,
      subject: 'Re: Order 1042',
      date: 'Mon, 16 Nov 2026 10:00:00 +0000',
      body: 'Also, the invoice please.',
      inReplyTo: 'p2@pryce.example',
      references: ['p1@fernhill.example', 'p2@pryce.example'],
    });
    const conversation = await conversationOf('p2@pryce.example');
    const p3 = await ctx.db.selectFrom('messages').select('id').where('message_id', '=', 'p3@pryce.example').executeTakeFirstOrThrow();
    const { newConversationId } = await splitConversation(ctx, conversation, [p3.id], staff);
    // The parent both point to arrives late, from the Sent folder.
    await ingest(
      { id: 'p1@fernhill.example', from: `Dana <${US}>`, to: GARETH, subject: 'Order 1042', date: 'Sun, 15 Nov 2026 09:00:00 +0000', body: 'Your order has shipped.' },
      true,
    );
    expect(await conversationCount()).toBe(2);
    expect(await messageIdsIn(conversation)).toEqual(['p1@fernhill.example', 'p2@pryce.example']);
    expect(await messageIdsIn(newConversationId)).toEqual(['p3@pryce.example']);
  });

  it('refuses a merge while both conversations have an approved reply on its way, and bad requests', async () => {
    const a = await ingest({ id: 'm1@pryce.example', from: GARETH, subject: 'Question one', date: 'Mon, 16 Nov 2026 09:00:00 +0000', body: 'First?' });
    const b = await ingest({ id: 'm2@pryce.example', from: GARETH, subject: 'Question two', date: 'Mon, 16 Nov 2026 09:05:00 +0000', body: 'Second?' });
    for (const c of [a, b]) await prepareReplyDraft(ctx, c.conversationId);
    await ctx.db.updateTable('drafts').set({ status: 'approved' }).execute();
    await expect(mergeConversationsByStaff(ctx, a.conversationId, b.conversationId, staff)).rejects.toMatchObject({ code: 'drafts_in_flight' });
    expect(await conversationCount()).toBe(2);

    await expect(mergeConversationsByStaff(ctx, a.conversationId, a.conversationId, staff)).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(mergeConversationsByStaff(ctx, a.conversationId, 999_999, staff)).rejects.toMatchObject({ code: 'not_found' });
    const m1 = await ctx.db.selectFrom('messages').select('id').where('message_id', '=', 'm1@pryce.example').executeTakeFirstOrThrow();
    const m2 = await ctx.db.selectFrom('messages').select('id').where('message_id', '=', 'm2@pryce.example').executeTakeFirstOrThrow();
    await expect(splitConversation(ctx, a.conversationId, [m1.id], staff)).rejects.toMatchObject({ code: 'split_everything' });
    await expect(splitConversation(ctx, a.conversationId, [m2.id], staff)).rejects.toMatchObject({ code: 'invalid_input', details: { field: 'messageIds' } });
  });
});
