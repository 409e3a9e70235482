import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareReplyDraft } from '../../core/drafts/drafter.ts';
import { ingestMessage } from '../../core/intake/intake.ts';
import { upsertMailbox } from '../../core/mailboxes/mailboxes.ts';
import { createToken } from '../../core/users/tokens.ts';
import { createUser } from '../../core/users/users.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { type ServedApp, serveApp } from '../support/http.ts';

/** Every API error a client can meet: the status, a stable code, and a message that says what to do. */
describe('API errors', () => {
  let ctx: TestCtx;
  let served: ServedApp;
  let url: string;
  let token: string;
  let draftId: number;

  const call = async (method: string, path: string, init: { body?: string; token?: string | null; type?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (init.token !== null) headers.authorization = `Bearer ${init.token ?? token}`;
    if (init.body !== undefined) headers['content-type'] = init.type ?? 'application/json';
    const res = await fetch(`${url}${path}`, { method, headers, body: init.body });
    return { status: res.status, body: (await res.json()) as { error: { code: string; message: string; details?: Record<string, unknown> } } };
  };

  beforeAll(async () => {
    ctx = await testContext();
    const owner = await createUser(ctx, { email: 'dana@fernhill.example', name: 'Dana Okafor', role: 'owner', password: 'correct horse battery' });
    token = await createToken(ctx, owner.id, 'test');
    const mailbox = await upsertMailbox(ctx, {
      name: 'Fernhill',
      email: 'support@fernhill.example',
      imap: { host: '127.0.0.1', port: 1, secure: false, user: 'x', password: 'x' },
      smtp: { host: '127.0.0.1', port: 1, secure: false, user: '', password: '' },
      source: 'ui',
    });
    await ctx.db.updateTable('mailboxes').set({ initial_sync_done: true }).where('id', '=', mailbox.id).execute();
    const source = Buffer.from(
      'From: Maria <maria@bakery.example>\r\nTo: support@fernhill.example\r\nSubject: Induction?\r\nMessage-ID: <q1@bakery.example>\r\nDate: Thu, 19 Nov 2026 10:00:00 +0100\r\n\r\nDoes the pan work on induction?\r\n',
    );
    const ingested = await ingestMessage(ctx, { source, origin: 'imap', mailboxId: mailbox.id, historical: false });
    const outcome = await prepareReplyDraft(ctx, ingested.conversationId);
    if (!outcome.drafted) throw new Error(outcome.reason);
    draftId = outcome.draftId;
    served = await serveApp(ctx);
    url = served.url;
  });

  afterAll(async () => {
    await served?.close();
    await ctx?.close();
  });

  it('401 without a token, and with a token that is not valid', async () => {
    const none = await call('GET', '/api/drafts', { token: null });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthenticated');
    expect(none.body.error.message).toContain('Authorization: Bearer');
    const bad = await call('GET', '/api/drafts', { token: 'lh_not-a-real-token' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.message).toContain('not valid');
  });

  it('404 for a draft, conversation or customer that does not exist, and for an unknown route', async () => {
    for (const path of ['/api/drafts/999999', '/api/conversations/999999', '/api/customers/999999']) {
      const r = await call('GET', path);
      expect(r.status, path).toBe(404);
      expect(r.body.error.code).toBe('not_found');
      expect(r.body.error.message).toContain('999999 does not exist');
    }
    const route = await call('GET', '/api/nothing-here');
    expect(route.status).toBe(404);
    expect(route.body.error.message).toBe('No such API route.');
  });

  it('400 naming the field for a malformed id, query or body', async () => {
    const id = await call('GET', '/api/drafts/abc');
    expect(id.status).toBe(400);
    expect(id.body.error.code).toBe('invalid_input');

    const status = await call('GET', '/api/drafts?status=lost');
    expect(status.status).toBe(400);
    expect(status.body.error.details?.field).toBe('status');

    const json = await call('PATCH', `/api/drafts/${draftId}`, { body: '{"body": "unterminated' });
    expect(json.status).toBe(400);
    expect(json.body.error.code).toBe('invalid_json');

    const wrongType = await call('PATCH', `/api/drafts/${draftId}`, { body: JSON.stringify({ body: 42 }) });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toMatch(/^body: /);
    expect(wrongType.body.error.details?.field).toBe('body');

    const unknown = await call('PATCH', `/api/drafts/${draftId}`, { body: JSON.stringify({ bdy: 'typo' }) });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('bdy');

    const recipient = await call('PATCH', `/api/drafts/${draftId}`, { body: JSON.stringify({ to: [{ address: 'not an address' }] }) });
    expect(recipient.status).toBe(400);
    expect(recipient.body.error.details?.field).toBe('to.0.address');

    const injected = await call('PATCH', `/api/drafts/${draftId}`, { body: JSON.stringify({ subject: 'Hi\r\nBcc: everyone@example.com' }) });
    expect(injected.status).toBe(400);
    expect(injected.body.error.details?.field).toBe('subject');

    // An approval pins the draft version the approver reviewed; without it nothing says what was reviewed.
    const unpinned = await call('POST', `/api/drafts/${draftId}/approve`, { body: '{}' });
    expect(unpinned.status).toBe(400);
    expect(unpinned.body.error.details?.field).toBe('version');
  });

  it('400 naming the field for a NUL character anywhere, a too-large id in a body, or a body that is not what its encoding says', async () => {
    const draft = (await call('GET', `/api/drafts/${draftId}`)).body as unknown as { conversationId: number };
    const conversation = (await call('GET', `/api/conversations/${draft.conversationId}`)).body as unknown as { customer: { id: number } };
    const nul = [
      ['PATCH', `/api/drafts/${draftId}`, { subject: 'Re: your pan\u0000' }, 'subject'],
      ['PATCH', `/api/drafts/${draftId}`, { body: 'Hi Maria,\u0000' }, 'body'],
      ['POST', `/api/conversations/${draft.conversationId}/notes`, { body: 'called her\u0000' }, 'body'],
      ['PATCH', `/api/customers/${conversation.customer.id}`, { notes: 'likes \u0000 induction' }, 'notes'],
      ['GET', '/api/search?q=pan%00', undefined, 'q'],
    ] as const;
    for (const [method, path, body, field] of nul) {
      const r = await call(method, path, body === undefined ? {} : { body: JSON.stringify(body) });
      expect(r.status, `${method} ${path}`).toBe(400);
      expect(r.body.error.details?.field, `${method} ${path}`).toBe(field);
      expect(r.body.error.message).toMatch(/NUL/);
    }
    for (const [path, body, field] of [
      [`/api/conversations/${draft.conversationId}/merge`, { otherId: 2 ** 31 }, 'otherId'],
      [`/api/conversations/${draft.conversationId}/split`, { messageIds: [2 ** 31] }, 'messageIds.0'],
      [`/api/drafts/${draftId}/approve`, { version: 2 ** 31 }, 'version'],
      ['/api/touch-check', { text: 'hi', conversationId: 2 ** 40 }, 'conversationId'],
    ] as const) {
      const r = await call('POST', path, { body: JSON.stringify(body) });
      expect(r.status, path).toBe(400);
      expect(r.body.error.details?.field, path).toBe(field);
    }
    const res = await fetch(`${url}/api/touch-check`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: '{"text":"hi"}',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/gzip/);
  });

  it('409 when slots are unfilled, naming them; 409 for an edit on a draft that is no longer pending', async () => {
    const currentVersion = async () => ((await call('GET', `/api/drafts/${draftId}`)).body as unknown as { version: number }).version;
    const slots = await call('POST', `/api/drafts/${draftId}/approve`, { body: JSON.stringify({ version: await currentVersion() }) });
    expect(slots.status).toBe(409);
    expect(slots.body.error.code).toBe('unfilled_slots');
    const unfilled = slots.body.error.details?.slots as string[];
    expect(unfilled.length).toBeGreaterThan(0);
    expect(slots.body.error.message).toContain(unfilled[0]);

    const stale = await call('PATCH', `/api/drafts/${draftId}`, { body: JSON.stringify({ body: 'Hi Maria, yes it does.', baseVersion: 1_000 }) });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('draft_edited_elsewhere');

    expect((await call('POST', `/api/drafts/${draftId}/discard`, { body: JSON.stringify({ reason: 'answered by phone' }) })).status).toBe(200);
    const late = await call('PATCH', `/api/drafts/${draftId}`, { body: JSON.stringify({ body: 'too late' }) });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('draft_not_editable');
    const again = await call('POST', `/api/drafts/${draftId}/approve`, { body: JSON.stringify({ version: await currentVersion() }) });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('discarded');
  });

  it('a GET of /healthz needs no token', async () => {
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: 'ok', redis: 'not used by this process', mailboxes: [{ email: 'support@fernhill.example' }] });
  });
});
