import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareReplyDraft } from '../../core/drafts/drafter.ts';
import { ingestMessage } from '../../core/intake/intake.ts';
import { createToken } from '../../core/users/tokens.ts';
import { createUser } from '../../core/users/users.ts';
import { Browserish } from '../support/browserish.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { US } from '../support/followups.ts';
import { type ServedApp, serveApp } from '../support/http.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

const PASSWORD = 'correct horse battery';
const RETURNS = {
  name: 'Return policy',
  shortcut: 'returns',
  keywords: ['refund', 'send back'],
  body: 'Hi {{customer.firstName}}, you can send anything back within 30 days of delivery for a full refund; we pay the return label. {{#personal "what to do with their order"}}{{/personal}}',
};
const decode = (html: string) =>
  html
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

describe('snippets by API and page, by role', () => {
  let ctx: TestCtx;
  let served: ServedApp;
  const tokens: Record<'owner' | 'approver' | 'agent', string> = { owner: '', approver: '', agent: '' };
  let conversationId: number;
  let draftId: number;

  const call = (role: keyof typeof tokens, method: string, path: string, body?: unknown) => served.call(method, path, body, tokens[role]);
  const signedIn = async (role: keyof typeof tokens) => {
    const client = new Browserish(served.url);
    expect((await client.signIn(`${role}@fernhill.example`, PASSWORD)).status).toBe(303);
    return client;
  };

  beforeAll(async () => {
    ctx = await testContext();
    const mailbox = await offlineMailbox(ctx);
    for (const role of ['owner', 'approver', 'agent'] as const) {
      const user = await createUser(ctx, { email: `${role}@fernhill.example`, name: `${role[0]!.toUpperCase()}${role.slice(1)} Person`, role, password: PASSWORD });
      tokens[role] = await createToken(ctx, user.id, 'test');
    }
    const source = Buffer.from(
      `From: Maria Lopez <maria@bakery.example>\r\nTo: Fernhill <${US}>\r\nSubject: Wrong size\r\nMessage-ID: <snippets-1@bakery.example>\r\nDate: ${new Date().toUTCString()}\r\n\r\nThe lid I got is too small for my pan. Can I send it back?\r\n`,
    );
    ({ conversationId } = await ingestMessage(ctx, { source, origin: 'imap', mailboxId: mailbox.id, historical: false }));
    const outcome = await prepareReplyDraft(ctx, conversationId);
    if (!outcome.drafted) throw new Error(outcome.reason);
    draftId = outcome.draftId;
    served = await serveApp(ctx);
  });

  afterAll(async () => {
    await served?.close();
    await ctx?.close();
  });

  it('lets approvers and owners write snippets and everyone find and insert them', async () => {
    expect((await call('agent', 'POST', '/api/snippets', RETURNS)).status).toBe(403);
    const created = await call('approver', 'POST', '/api/snippets', RETURNS);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Return policy', shortcut: 'returns', keywords: ['refund', 'send back'], useCount: 0 });
    const steps = await call('owner', 'POST', '/api/snippets', {
      name: 'Seasoning steps',
      shortcut: '#Season',
      body: '1. Wash it.\n2. Oil it thinly.\n3. Bake it upside down for an hour.',
    });
    expect(steps.body.shortcut).toBe('season');
    await call('owner', 'POST', '/api/snippets', { name: 'Retail partners', body: 'Our pans are also sold by a few kitchen shops.' });

    const found = await call('agent', 'GET', `/api/snippets?q=${encodeURIComponent('#ret')}`);
    expect(found.status).toBe(200);
    expect(found.body.map((s: { name: string }) => s.name)).toEqual(['Return policy', 'Retail partners']);
    expect((await call('agent', 'GET', '/api/snippets?q=refund')).body.map((s: { name: string }) => s.name)).toEqual(['Return policy']);

    const inserted = await call('agent', 'POST', `/api/snippets/${created.body.id}/insert`, { conversationId });
    expect(inserted.status).toBe(200);
    expect(inserted.body).toEqual({
      id: created.body.id,
      name: 'Return policy',
      text: 'Hi Maria, you can send anything back within 30 days of delivery for a full refund; we pay the return label. [[what to do with their order]]',
      slots: ['what to do with their order'],
    });
    // Used once: with nothing typed, the picker lists it first.
    expect((await call('agent', 'GET', '/api/snippets')).body[0]).toMatchObject({ name: 'Return policy', useCount: 1 });

    expect((await call('agent', 'PATCH', `/api/snippets/${steps.body.id}`, { name: 'x' })).status).toBe(403);
    const renamed = await call('approver', 'PATCH', `/api/snippets/${steps.body.id}`, { name: 'Seasoning a pan', keywords: ['oil', 'Oil', ''] });
    expect(renamed.body).toMatchObject({ name: 'Seasoning a pan', shortcut: 'season', keywords: ['oil'] });
    expect((await call('agent', 'DELETE', `/api/snippets/${steps.body.id}`)).status).toBe(403);
    expect((await call('owner', 'DELETE', `/api/snippets/${steps.body.id}`)).status).toBe(204);
    expect((await call('agent', 'GET', `/api/snippets/${steps.body.id}`)).status).toBe(404);
  });

  it('refuses a snippet that does not render, a name or shortcut taken, and a shortcut of two words, saying which', async () => {
    const broken = await call('approver', 'POST', '/api/snippets', { name: 'Broken', body: 'Hi {{#if customer.firstName}}{{customer.firstName}}' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.details).toMatchObject({ field: 'body' });
    expect(broken.body.error.details.line).toBeGreaterThan(0);
    const taken = await call('approver', 'POST', '/api/snippets', { name: 'return POLICY', body: 'Again.' });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'snippet_exists', message: 'A snippet named "Return policy" exists already.' });
    const shortcut = await call('approver', 'POST', '/api/snippets', { name: 'Refunds', shortcut: 'RETURNS', body: 'Refunds take five days.' });
    expect(shortcut.body.error.message).toBe('The shortcut #returns belongs to "Return policy".');
    const twoWords = await call('approver', 'POST', '/api/snippets', { name: 'Refunds', shortcut: 'two words', body: 'Refunds take five days.' });
    expect(twoWords.status).toBe(400);
    expect(twoWords.body.error.message).toMatch(/^Shortcut: one word/);
    const empty = await call('approver', 'POST', '/api/snippets', { name: 'Empty', body: '   ' });
    expect(empty.body.error.message).toBe('Body: write the text of the snippet.');
  });

  it("counts inserted snippet text as not the writer's own, and its slot stops approval until written", async () => {
    const [returns] = (await call('agent', 'GET', '/api/snippets?q=returns')).body;
    const { text } = (await call('agent', 'POST', `/api/snippets/${returns.id}/insert`, { conversationId })).body;
    const own = 'I am sorry the lid is too small.';
    const body = `${own} ${text}\n\nDana`;
    const check = await call('agent', 'POST', '/api/touch-check', { text: body, conversationId });
    const kept = check.body.findings.filter((f: { kind: string }) => f.kind === 'snippet-text');
    expect(kept.map((f: { start: number; end: number }) => body.slice(f.start, f.end))).toEqual([
      'Hi Maria, you can send anything back within 30 days of delivery for a full refund; we pay the return label',
    ]);
    expect(kept[0].message).toBe('From the snippet "Return policy": the team\'s words, not your own.');
    expect(check.body.parts.find((p: { name: string }) => p.name === 'Own words').explanation).toContain('21 words came from snippets');

    const draft = (await call('agent', 'GET', `/api/drafts/${draftId}`)).body;
    const saved = await call('agent', 'PATCH', `/api/drafts/${draftId}`, { body, baseVersion: draft.version });
    const refused = await call('agent', 'POST', `/api/drafts/${draftId}/approve`, { version: saved.body.version });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'unfilled_slots', details: { slots: ['what to do with their order'] } });

    // The page shows the same finding as the live check.
    const page = await (await signedIn('agent')).get(`/conversations/${conversationId}`);
    expect(page.text).toContain('<li class="finding finding-snippet-text">From the snippet &quot;Return policy&quot;');
  });

  it('shows every template in every language and the snippets on one page, with editing for approvers and owners only', async () => {
    const agent = await signedIn('agent');
    const forAgent = await agent.get('/templates');
    expect(forAgent.status).toBe(200);
    expect(forAgent.text).toContain('<a href="/templates" aria-current="page">Templates &amp; snippets</a>');
    expect(forAgent.text).toContain('Return policy');
    expect(forAgent.text).not.toContain('href="/snippets/');
    expect(forAgent.text).not.toContain('href="/settings/templates/');
    expect((await agent.get('/snippets/new')).status).toBe(403);
    expect((await agent.get('/settings/templates/replies/de/complaint')).status).toBe(403);

    const approver = await signedIn('approver');
    const page = await approver.get('/templates');
    const links = Array.from(page.text.matchAll(/href="\/settings\/templates\/([^"]+)"/g), (m) => m[1]);
    for (const name of ['replies/complaint', 'replies/de/complaint', 'replies/fr/thanks', 'replies/es/first-reply', 'partials/greeting', 'partials/de/signature']) {
      expect(links).toContain(name);
    }
    for (const language of ['English', 'German', 'French', 'Spanish']) expect(page.text).toContain(`>${language}</h3>`);

    // A German template opens in the editor and saves as the team's version.
    const editor = await approver.get('/settings/templates/replies/de/complaint');
    expect(editor.status).toBe(200);
    expect(editor.text).toContain('was schiefgelaufen ist');
    const saved = await approver.post('/settings/templates/replies/de/complaint', {
      _csrf: editor.csrf,
      back: '/settings/templates/replies/de/complaint',
      body: 'Hallo {{customer.firstName}},\n\n{{#personal "was wir tun"}}{{/personal}}',
    });
    expect(saved.status).toBe(303);
    expect((await call('agent', 'GET', '/api/templates')).body.find((t: { name: string }) => t.name === 'replies/de/complaint')).toMatchObject({ overridden: true });
    expect((await call('approver', 'DELETE', '/api/templates/replies/de/complaint')).status).toBe(204);
    expect((await call('approver', 'PUT', '/api/templates/replies/fr/delivery-delay', { body: 'Bonjour {{customer.firstName}},' })).body).toMatchObject({
      name: 'replies/fr/delivery-delay',
      overridden: true,
    });

    // A new template is reached from the page, not only by typing its address.
    const fresh = await approver.get('/settings/templates/new?kind=replies&language=es&name=Shipping-Delay');
    expect(fresh.status).toBe(303);
    expect(fresh.headers.get('location')).toBe('/settings/templates/replies/es/shipping-delay');
    expect((await approver.get('/settings/templates/new?kind=replies&language=&name=no%20spaces')).status).toBe(400);
  });

  it('creates and edits a snippet with the form, and gives a refused one back as typed', async () => {
    const approver = await signedIn('approver');
    const form = await approver.get('/snippets/new');
    expect(form.status).toBe(200);
    const created = await approver.post('/snippets', {
      _csrf: form.csrf,
      name: 'Setup steps',
      shortcut: '#setup',
      keywords: 'install, first use',
      body: '1. Unpack it.\n2. Wash it.',
    });
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe('/templates#snippets');
    const listed = await approver.get('/templates');
    expect(decode(listed.text)).toContain('"Setup steps" is saved. Type #setup in a reply to insert it.');
    const id = Number(/href="\/snippets\/(\d+)">Setup steps<\/a>/.exec(listed.text)![1]);

    const refused = await approver.post(`/snippets/${id}`, { _csrf: form.csrf, name: 'Return policy', shortcut: 'setup', keywords: '', body: 'Changed text.' });
    expect(refused.status).toBe(400);
    expect(decode(refused.text)).toContain('A snippet named "Return policy" exists already.');
    expect(refused.text).toContain('Changed text.</textarea>');

    const edited = await approver.post(`/snippets/${id}`, {
      _csrf: form.csrf,
      name: 'Setup steps',
      shortcut: 'setup',
      keywords: 'install',
      body: '1. Unpack it.\n2. Wash it.\n3. Dry it.',
    });
    expect(edited.status).toBe(303);
    expect((await call('agent', 'GET', `/api/snippets/${id}`)).body).toMatchObject({ keywords: ['install'], body: '1. Unpack it.\n2. Wash it.\n3. Dry it.' });

    const deleted = await approver.post(`/snippets/${id}/delete`, { _csrf: form.csrf, back: `/snippets/${id}` });
    expect(deleted.headers.get('location')).toBe('/templates#snippets');
    expect((await call('agent', 'GET', `/api/snippets/${id}`)).status).toBe(404);
  });
});
