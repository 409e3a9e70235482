import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import type { User } from '../../core/db/schema.ts';
import { createToken } from '../../core/users/tokens.ts';
import { createUser } from '../../core/users/users.ts';
import { Browserish } from '../support/browserish.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { deliver, US } from '../support/followups.ts';
import { type ServedApp, serveApp } from '../support/http.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

const PASSWORD = 'a long enough password';

/** @mentions in team notes: rows for the people named, the Mentions view and its live count, read and unread. */
describe('mentions', () => {
  let ctx: TestCtx;
  let served: ServedApp;
  let url: string;
  let mailboxId: number;
  const people = {} as Record<'dana' | 'samR' | 'samW' | 'jurgen', { user: User; token: string }>;
  let seq = 0;

  const api = (who: keyof typeof people, method: string, path: string, body?: unknown) => served.call(method, path, body, people[who].token);
  const unread = async (who: keyof typeof people) => (await api(who, 'GET', '/api/mentions')).body.unread as number;
  const conversation = async (subject: string) =>
    (
      await deliver(ctx, mailboxId, {
        id: `m${++seq}@bakery.example`,
        from: 'Maria Lopez <maria@bakery.example>',
        to: US,
        subject,
        at: '2026-11-20T08:00:00Z',
        body: `Hello, about the ${subject}.`,
      })
    ).conversationId;

  beforeAll(async () => {
    ctx = await testContext({ clock: new ManualClock('2026-11-20T12:00:00Z') });
    mailboxId = (await offlineMailbox(ctx)).id;
    for (const [key, name, email, role] of [
      ['dana', 'Dana Okafor', 'dana@fernhill.example', 'owner'],
      ['samR', 'Sam Reyes', 'sreyes@fernhill.example', 'agent'],
      ['samW', 'Sam Whitfield', 'sam.w@fernhill.example', 'approver'],
      ['jurgen', 'Jürgen Maaß', 'juergen@fernhill.example', 'agent'],
    ] as const) {
      const user = await createUser(ctx, { email, name, role, password: PASSWORD });
      people[key] = { user, token: await createToken(ctx, user.id, 'test') };
    }
    served = await serveApp(ctx);
    url = served.url;
  });

  afterAll(async () => {
    await served?.close();
    await ctx?.close();
  });

  it('records a mention for each person named, none for unknown or shared names, and none for the author', async () => {
    const id = await conversation('bread tin');
    const note = await api('dana', 'POST', `/api/conversations/${id}/notes`, { body: 'Hi @sreyes and @sam.w: the tin is dented. @sam, @nobody, @dana (me)' });
    expect(note.status).toBe(201);
    expect(note.body.mentions.map((m: { name: string }) => m.name)).toEqual(['Sam Reyes', 'Sam Whitfield']);
    expect(note.body.mentionSpans).toEqual([
      { start: 3, end: 10, name: 'Sam Reyes' },
      { start: 15, end: 21, name: 'Sam Whitfield' },
      { start: 57, end: 62, name: 'Dana Okafor' },
    ]);
    expect(await unread('samR')).toBe(1);
    expect(await unread('samW')).toBe(1);
    expect(await unread('jurgen')).toBe(0);
    expect(await unread('dana')).toBe(0);

    const mine = (await api('samR', 'GET', '/api/mentions')).body.mentions;
    expect(mine).toEqual([
      expect.objectContaining({
        noteId: note.body.id,
        conversationId: id,
        subject: 'bread tin',
        author: { id: people.dana.user.id, name: 'Dana Okafor' },
        body: note.body.body,
        createdAt: '2026-11-20T12:00:00.000Z',
        readAt: null,
      }),
    ]);
  });

  it('keeps one mention per person through edits: new names are told, kept ones keep their state, removed ones lose it', async () => {
    const id = await conversation('rolling pin');
    const note = (await api('dana', 'POST', `/api/conversations/${id}/notes`, { body: 'Can @sreyes check the pin?' })).body;
    const samMention = (await api('samR', 'GET', '/api/mentions?unread=true')).body.mentions.find((m: { noteId: number }) => m.noteId === note.id);
    expect((await api('samR', 'POST', '/api/mentions/read', { ids: [samMention.id] })).body).toMatchObject({ marked: 1 });

    for (const body of ['Can @sreyes check the pin? And @jürgen the box.', 'Can @sreyes check the pin? And @Jürgen the box, @sam.w too.']) {
      const edited = await api('dana', 'PATCH', `/api/conversations/${id}/notes/${note.id}`, { body });
      expect(edited.status).toBe(200);
      expect(edited.body.editedAt).not.toBeNull();
    }
    const rows = await ctx.db.selectFrom('mentions').select(['user_id', 'read_at']).where('note_id', '=', note.id).orderBy('user_id').execute();
    expect(rows.map((r) => [r.user_id, r.read_at !== null])).toEqual([
      [people.samR.user.id, true],
      [people.samW.user.id, false],
      [people.jurgen.user.id, false],
    ]);
    // On the page: the author has an Edit form under her note, others do not.
    const dana = new Browserish(url, '10.8.0.9');
    await dana.signIn('dana@fernhill.example', PASSWORD);
    const page = await dana.get(`/conversations/${id}`);
    expect(page.text).toContain(`action="/conversations/${id}/notes/${note.id}"`);
    await dana.post(`/conversations/${id}/notes/${note.id}`, { _csrf: page.csrf, body: 'Can @sreyes check the pin? @sam.w, the box.', back: `/conversations/${id}` });
    expect((await dana.get(`/conversations/${id}`)).text).toContain('Note saved; it mentions Sam Reyes and Sam Whitfield.');
    expect((await ctx.db.selectFrom('mentions').select('user_id').where('note_id', '=', note.id).orderBy('user_id').execute()).map((r) => r.user_id)).toEqual([
      people.samR.user.id,
      people.samW.user.id,
    ]);
    expect(await (await fetch(`${url}/conversations/${id}`, { headers: { authorization: `Bearer ${people.samR.token}` } })).text()).not.toContain(
      `action="/conversations/${id}/notes/${note.id}"`,
    );

    await api('dana', 'PATCH', `/api/conversations/${id}/notes/${note.id}`, { body: 'Can @sreyes check the pin?' });
    expect((await ctx.db.selectFrom('mentions').select('user_id').where('note_id', '=', note.id).execute()).map((r) => r.user_id)).toEqual([people.samR.user.id]);
    expect((await api('samR', 'PATCH', `/api/conversations/${id}/notes/${note.id}`, { body: '@sreyes was here' })).status).toBe(403);
    expect((await api('dana', 'PATCH', `/api/conversations/${id + 999}/notes/${note.id}`, { body: 'moved?' })).status).toBe(404);
    expect((await api('dana', 'PATCH', `/api/conversations/${id}/notes/${note.id}`, { body: '   ' })).status).toBe(400);
  });

  it('shows the Mentions view unread first, the text escaped with the mention highlighted, and the count in the navigation', async () => {
    const id = await conversation('cake stand');
    await api('jurgen', 'POST', `/api/conversations/${id}/notes`, { body: '<img src=x onerror=alert(1)> @sreyes <script>alert(2)</script>\n\nsecond paragraph' });
    const sam = new Browserish(url, '10.8.0.1');
    expect((await sam.signIn('sreyes@fernhill.example', PASSWORD)).status).toBe(303);
    const { text } = await sam.get('/mentions');
    expect(text).toContain('aria-current="page">Mentions<span class="nav-count" id="mention-count"> <span class="badge">2</span><span class="visually-hidden"> unread</span>');
    expect(text).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; <strong class="mention" title="Sam Reyes">@sreyes</strong> &lt;script&gt;');
    expect(text).toContain('<p>second paragraph</p>');
    expect(text).not.toContain('<img src=x');
    expect(text).not.toContain('<script>alert');
    const order = [...text.matchAll(/<li class="mention-item( unread)?"[^>]*>[\s\S]*?class="subject">([^<]+)</g)].map((m) => `${m[2]}${m[1] ? ' (unread)' : ''}`);
    expect(order).toEqual(['cake stand (unread)', 'bread tin (unread)', 'rolling pin']);

    // The conversation page highlights it the same way, and opening it marks its mentions read.
    const page = await sam.get(`/conversations/${id}`);
    expect(page.text).toContain('<strong class="mention" title="Sam Reyes">@sreyes</strong>');
    expect(page.text).toContain('<span class="badge">1</span>');
    expect(await unread('samR')).toBe(1);

    const { csrf } = await sam.get('/mentions');
    expect((await sam.post('/mentions/read', { _csrf: csrf, back: '/mentions' })).status).toBe(303);
    const after = await sam.get('/mentions');
    expect(after.text).toContain('One mention marked read.');
    expect(after.text).toContain('id="mention-count" hidden>');
    expect(after.text).toContain('All read');
  });

  it('marks only the reader’s own mentions read, by id', async () => {
    const id = await conversation('pie dish');
    await api('dana', 'POST', `/api/conversations/${id}/notes`, { body: '@sreyes @sam.w look' });
    const samsMention = (await api('samR', 'GET', '/api/mentions?unread=true')).body.mentions[0];
    expect((await api('samW', 'POST', '/api/mentions/read', { ids: [samsMention.id] })).body.marked).toBe(0);
    const samW = new Browserish(url, '10.8.0.2');
    await samW.signIn('sam.w@fernhill.example', PASSWORD);
    const { csrf } = await samW.get('/mentions');
    await samW.post(`/mentions/${samsMention.id}/read`, { _csrf: csrf, back: '/mentions' });
    expect(await unread('samR')).toBe(1);
    expect((await api('samR', 'POST', '/api/mentions/read', { conversationId: id })).body).toEqual({ marked: 1, unread: 0 });
    expect((await api('samR', 'GET', '/api/mentions?limit=0')).status).toBe(400);
  });

  it('tells the live stream of every page the unread count at once and whenever it changes', async () => {
    const jurgen = new Browserish(url, '10.8.0.3');
    await jurgen.signIn('juergen@fernhill.example', PASSWORD);
    await api('jurgen', 'POST', '/api/mentions/read', {});
    const stream = await fetch(`${url}/events`, { headers: { cookie: jurgen.cookie } });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.getReader();
    let seen = '';
    const next = async (pattern: RegExp) => {
      while (!pattern.test(seen)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before ${pattern}`);
        seen += new TextDecoder().decode(value);
      }
    };
    await next(/event: mentions\ndata: \{"unread":0\}/);
    await api('dana', 'POST', `/api/conversations/${await conversation('bread knife')}/notes`, { body: 'Over to @juergen' });
    await next(/event: mentions\ndata: \{"unread":1\}/);
    await reader.cancel();
  });
});
