import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import type { Role } from '../../core/db/schema.ts';
import { prepareReplyDraft } from '../../core/drafts/drafter.ts';
import { ingestMessage } from '../../core/intake/intake.ts';
import { createToken } from '../../core/users/tokens.ts';
import { createUser } from '../../core/users/users.ts';
import { compose } from '../support/compose.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { type ServedApp, serveApp } from '../support/http.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

/** The conversation, customer and search routes: what they answer, which role each needs, and errors naming the field. */
describe('conversation, customer and search API', () => {
  let ctx: TestCtx;
  let served: ServedApp;
  const tokens = {} as Record<Role, string>;
  const ids = {} as Record<'agent' | 'approver', number>;
  let conversationId: number;
  let secondConversationId: number;

  const call = (method: string, path: string, body?: unknown, role: Role | null = 'agent') => served.call(method, path, body, role ? tokens[role] : null);

  beforeAll(async () => {
    ctx = await testContext({ clock: new ManualClock('2026-11-20T12:00:00Z') });
    for (const [role, name] of [
      ['owner', 'Olive Owner'],
      ['approver', 'Dana Okafor'],
      ['agent', 'Sam Reyes'],
    ] as const) {
      const user = await createUser(ctx, { email: `${name.split(' ')[0]!.toLowerCase()}@fernhill.example`, name, role });
      tokens[role] = await createToken(ctx, user.id, 'test');
      if (role !== 'owner') ids[role] = user.id;
    }
    const mailbox = await offlineMailbox(ctx);
    await ctx.db.updateTable('mailboxes').set({ initial_sync_done: true }).where('id', '=', mailbox.id).execute();
    const ingest = (m: Parameters<typeof compose>[0]) => ingestMessage(ctx, { source: compose(m), origin: 'imap', mailboxId: mailbox.id, historical: false });
    conversationId = (
      await ingest({
        id: 'q1@bakery.example',
        from: 'Maria Lopez <maria@bakery.example>',
        subject: 'Induction?',
        date: 'Thu, 19 Nov 2026 10:00:00 +0100',
        body: 'Does the pan work on induction?',
      })
    ).conversationId;
    await ingest({
      id: 'q2@bakery.example',
      from: 'Maria Lopez <maria@bakery.example>',
      subject: 'Re: Induction?',
      date: 'Thu, 19 Nov 2026 11:00:00 +0100',
      body: 'Also: do you sell gift cards?',
      inReplyTo: 'q1@bakery.example',
      references: ['q1@bakery.example'],
    });
    secondConversationId = (
      await ingest({ id: 'g1@gmail.com', from: 'Maria <maria.lopez@gmail.com>', subject: 'Wholesale', date: 'Thu, 19 Nov 2026 12:00:00 +0100', body: 'Could we order 20 pans?' })
    ).conversationId;
    served = await serveApp(ctx);
  });

  afterAll(async () => {
    await served?.close();
    await ctx?.close();
  });

  it('shows a conversation with its notes and the customer card; notes resolve @mentions and stay inside', async () => {
    const before = await call('GET', `/api/conversations/${conversationId}`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ id: conversationId, assigneeId: null, notes: [], customer: { name: 'Maria Lopez', addresses: ['maria@bakery.example'] } });
    expect(before.body.messages.map((m: any) => m.newText)).toEqual(['Does the pan work on induction?', 'Also: do you sell gift cards?']);

    const note = await call('POST', `/api/conversations/${conversationId}/notes`, { body: '@dana she is our biggest wholesale customer, keep it warm. SECRET-NOTE' });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ author: { id: ids.agent, name: 'Sam Reyes' }, mentions: [{ id: ids.approver, name: 'Dana Okafor' }] });
    const after = await call('GET', `/api/conversations/${conversationId}`);
    expect(after.body.notes).toHaveLength(1);
    expect(after.body.version).toBeGreaterThan(before.body.version);

    const drafted = await prepareReplyDraft(ctx, conversationId);
    expect(drafted.drafted).toBe(true);
    const drafts = await ctx.db.selectFrom('drafts').select(['body', 'subject']).execute();
    expect(JSON.stringify(drafts)).not.toContain('SECRET-NOTE');

    expect((await call('POST', `/api/conversations/${conversationId}/notes`, { body: '' })).body.error.details.field).toBe('body');
    expect((await call('POST', '/api/conversations/999999/notes', { body: 'hello' })).status).toBe(404);
  });

  it('sets status and assignee, moving the version; refuses a stale view and names wrong fields', async () => {
    const { body: seen } = await call('GET', `/api/conversations/${conversationId}`);
    const set = await call('PATCH', `/api/conversations/${conversationId}`, { status: 'waiting_on_them', assigneeId: ids.approver, baseVersion: seen.version });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ status: 'waiting_on_them', assigneeId: ids.approver });
    expect(set.body.version).toBe(seen.version + 1);
    const stale = await call('PATCH', `/api/conversations/${conversationId}`, { status: 'done', baseVersion: seen.version });
    expect(stale).toMatchObject({ status: 409, body: { error: { code: 'conversation_changed' } } });
    expect((await call('PATCH', `/api/conversations/${conversationId}`, { status: 'closed' })).body.error.details.field).toBe('status');
    expect((await call('PATCH', `/api/conversations/${conversationId}`, { assigneeId: 999_999 })).body.error.details.field).toBe('assigneeId');
    expect((await call('PATCH', `/api/conversations/${conversationId}`, {})).status).toBe(400);
    expect((await call('PATCH', `/api/conversations/${conversationId}`, { assigneeId: null })).body.assigneeId).toBeNull();
    const audit = await ctx.db.selectFrom('audit_log').select('action').where('subject_id', '=', conversationId).where('action', 'like', 'conversation.%').execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['conversation.note_added', 'conversation.status_changed', 'conversation.assigned']));
  });

  it('lets an agent split and only an approver merge', async () => {
    const { body: c } = await call('GET', `/api/conversations/${conversationId}`);
    const giftCards = c.messages.find((m: any) => m.messageId === 'q2@bakery.example').id;
    expect((await call('POST', `/api/conversations/${conversationId}/split`, { messageIds: [999_999] })).body.error.details.field).toBe('messageIds');
    expect((await call('POST', `/api/conversations/${conversationId}/split`, { messageIds: [] })).body.error.details.field).toBe('messageIds');
    const split = await call('POST', `/api/conversations/${conversationId}/split`, { messageIds: [giftCards] });
    expect(split.status).toBe(201);
    expect(split.body.newConversation.messages.map((m: any) => m.messageId)).toEqual(['q2@bakery.example']);
    expect(split.body.conversation.messages.map((m: any) => m.messageId)).toEqual(['q1@bakery.example']);

    const denied = await call('POST', `/api/conversations/${conversationId}/merge`, { otherId: split.body.newConversation.id });
    expect(denied).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect((await call('POST', `/api/conversations/${conversationId}/merge`, { otherId: 'x' }, 'approver')).body.error.details.field).toBe('otherId');
    const merged = await call('POST', `/api/conversations/${conversationId}/merge`, { otherId: split.body.newConversation.id }, 'approver');
    expect(merged.status).toBe(200);
    expect(merged.body.messages).toHaveLength(2);
    expect((await call('GET', `/api/conversations/${split.body.newConversation.id}`)).status).toBe(404);
  });

  it('shows, edits, merges and splits customers, each with the role it needs', async () => {
    const { body: c } = await call('GET', `/api/conversations/${conversationId}`);
    const work = c.customer.id;
    const { body: other } = await call('GET', `/api/conversations/${secondConversationId}`);
    const home = other.customer.id;

    expect((await call('GET', '/api/customers/999999')).status).toBe(404);
    const edited = await call('PATCH', `/api/customers/${work}`, {
      notes: 'Runs a bakery; prefers the phone.',
      tags: ['wholesale'],
      personUserId: ids.approver,
      doNotFollowUp: false,
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ notes: 'Runs a bakery; prefers the phone.', tags: ['wholesale'], person: { id: ids.approver } });
    expect((await call('PATCH', `/api/customers/${work}`, { tags: 'vip' })).body.error.details.field).toBe('tags');
    expect((await call('PATCH', `/api/customers/${work}`, { colour: 'red' })).status).toBe(400);

    expect((await call('POST', `/api/customers/${work}/merge`, { otherId: home })).status).toBe(403);
    const merged = await call('POST', `/api/customers/${work}/merge`, { otherId: home }, 'approver');
    expect(merged.status).toBe(200);
    expect(merged.body.addresses).toEqual(['maria@bakery.example', 'maria.lopez@gmail.com']);
    expect(merged.body.openConversations.length).toBe(2);

    expect((await call('POST', `/api/customers/${work}/split`, { addresses: ['maria.lopez@gmail.com'] })).status).toBe(403);
    expect((await call('POST', `/api/customers/${work}/split`, { addresses: ['nobody@nowhere.example'] }, 'approver')).body.error.details.field).toBe('addresses');
    const split = await call('POST', `/api/customers/${work}/split`, { addresses: ['maria.lopez@gmail.com'] }, 'approver');
    expect(split.status).toBe(201);
    expect(split.body.newCustomer.addresses).toEqual(['maria.lopez@gmail.com']);
    expect(split.body.customer.addresses).toEqual(['maria@bakery.example']);
  });

  it('searches customers and messages, ranked, and names a missing query', async () => {
    const found = await call('GET', '/api/search?q=maria%40bakery.example&limit=5');
    expect(found.status).toBe(200);
    expect(found.body.customers[0]).toMatchObject({ addresses: ['maria@bakery.example'] });
    const words = await call('GET', '/api/search?q=gift%20cards');
    expect(words.body.messages.map((m: any) => m.conversationId)).toEqual([conversationId]);
    expect(words.body.messages[0]).toMatchObject({
      snippet: 'Also: do you sell gift cards?',
      highlights: [
        [18, 22],
        [23, 28],
      ],
    });
    expect((await call('GET', '/api/search')).body.error.details.field).toBe('q');
    expect((await call('GET', '/api/search?q=pan&limit=0')).body.error.details.field).toBe('limit');
    expect((await call('GET', '/api/search?q=pan', undefined, null)).status).toBe(401);
  });
});
