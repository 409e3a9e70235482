import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithDraft, type TestApp } from '../support/app.ts';
import { Browserish } from '../support/browserish.ts';

const US = 'support@fernhill.example';

describe('no conversation is left without a way to answer it', () => {
  let started: Awaited<ReturnType<typeof startWithDraft>>;
  let app: TestApp;
  let staff: Browserish;

  beforeAll(async () => {
    started = await startWithDraft(
      'stranded',
      [
        'From: Ines Duarte <ines@duarte.example>',
        `To: ${US}`,
        'Subject: Handle came loose',
        `Date: ${new Date().toUTCString()}`,
        'Message-ID: <handle@duarte.example>',
        '',
        'Hi, the handle of my frying pan came loose after a week. Can it be fixed? Ines',
        '',
      ].join('\r\n'),
      { LONGHAND_FROM: US },
    );
    app = started.app;
    staff = new Browserish(app.url);
    const sam = await app.addUser('agent', 'Sam Reyes');
    await staff.signIn(sam.email, sam.password);
  });

  afterAll(async () => {
    await started?.close();
  });

  /** Submits one of the page's forms as a person would: with the page's CSRF token. */
  const submit = async (page: string, action: string, fields: Record<string, string> = {}) => {
    const { csrf, text } = await staff.get(page);
    expect(text).toContain(`action="${action}"`);
    const res = await staff.post(action, { _csrf: csrf, back: page, ...fields });
    expect(res.status).toBe(303);
  };

  it('restores a discarded draft, and writes a new reply on a conversation marked done', async () => {
    const [draft] = (await app.api('GET', '/api/drafts?status=pending')).body;
    const page = `/conversations/${draft.conversationId}`;
    await submit(page, `/drafts/${draft.id}/discard`, { reason: 'wrong template' });
    const afterDiscard = (await staff.get(page)).text;
    expect(afterDiscard).toContain('No reply open');
    expect(afterDiscard).toContain('A draft was discarded (wrong template).');

    await submit(page, `/drafts/${draft.id}/restore-discarded`);
    expect((await app.api('GET', `/api/drafts/${draft.id}`)).body.status).toBe('pending');
    expect((await staff.get(page)).text).toContain('Approve and send');

    // Discarded again and the conversation closed: a person can still answer it.
    await submit(page, `/drafts/${draft.id}/discard`);
    const { version } = (await app.api('GET', `/api/conversations/${draft.conversationId}`)).body;
    expect((await app.api('PATCH', `/api/conversations/${draft.conversationId}`, { status: 'done', baseVersion: version })).status).toBe(200);
    await submit(page, `/conversations/${draft.conversationId}/reply`);
    const pending = (await app.api('GET', '/api/drafts?status=pending')).body;
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ conversationId: draft.conversationId, to: [{ address: 'ines@duarte.example', name: 'Ines Duarte' }] });
    expect(pending[0].id).not.toBe(draft.id);
    expect((await app.api('GET', `/api/conversations/${draft.conversationId}`)).body.status).toBe('waiting_on_us');
    // Only one reply is open at a time: the old draft cannot come back beside the new one.
    const { csrf } = await staff.get(page);
    const refused = await staff.post(`/drafts/${draft.id}/restore-discarded`, { _csrf: csrf, back: page });
    expect(refused.status).toBe(303);
    expect((await app.api('GET', `/api/drafts/${draft.id}`)).body.status).toBe('discarded');
  });

  it('shows every saved version with who and what changed, and restores one without losing the others', async () => {
    const [draft] = (await app.api('GET', '/api/drafts?status=pending')).body;
    const scaffold = draft.body;
    const edited = await app.api('PATCH', `/api/drafts/${draft.id}`, {
      body: 'Hi Ines,\n\nYes: send me a photo of the handle and I will post a new rivet kit today.\n\nSam',
      baseVersion: draft.version,
    });
    expect(edited.status).toBe(200);
    const history = (await app.api('GET', `/api/drafts/${draft.id}/revisions`)).body;
    expect(history.map((v: { author: string | null; change: string }) => [v.author, v.change])).toEqual([
      [expect.any(String), expect.stringMatching(/^\+\d+ words, −\d+ words$/)],
      [null, 'first version'],
    ]);

    const page = `/conversations/${draft.conversationId}`;
    const shown = (await staff.get(page)).text;
    expect(shown).toContain('History (2 versions)');
    expect(shown).toContain('Longhand (from the template)');
    await submit(page, `/drafts/${draft.id}/restore`, { revisionId: String(history[1].id), baseVersion: String(edited.body.version) });
    expect((await app.api('GET', `/api/drafts/${draft.id}`)).body.body).toBe(scaffold);
    const after = (await app.api('GET', `/api/drafts/${draft.id}/revisions`)).body;
    expect(after).toHaveLength(3);
    expect(after[1].body).toContain('rivet kit');
    expect((await app.api('POST', `/api/drafts/${draft.id}/restore`, { revisionId: after[1].id })).body.body).toContain('rivet kit');
    expect((await app.api('POST', `/api/drafts/${draft.id}/restore`, { revisionId: 2 ** 31 })).status).toBe(400);
  });

  it('keeps the recipients of each version, says who was added or removed, and restores them', async () => {
    const [draft] = (await app.api('GET', '/api/drafts?status=pending')).body;
    const ines = { address: 'ines@duarte.example', name: 'Ines Duarte' };
    const kim = { address: 'kim@duarte.example', name: 'Kim Duarte' };
    // Another person's edit: a version of its own, not folded into the one before.
    const ole = await app.addUser('agent', 'Ole Berg');
    const widened = await app.api('PATCH', `/api/drafts/${draft.id}`, { cc: [kim], baseVersion: draft.version }, ole.token);
    expect(widened.status).toBe(200);
    const history = (await app.api('GET', `/api/drafts/${draft.id}/revisions`)).body;
    expect(history[0]).toMatchObject({ author: 'Ole Berg', change: 'added kim@duarte.example (Cc)', to: [ines], cc: [kim] });
    expect(history[1]).toMatchObject({ cc: [] });

    const page = `/conversations/${draft.conversationId}`;
    expect((await staff.get(page)).text).toContain('added kim@duarte.example (Cc)');
    await submit(page, `/drafts/${draft.id}/restore`, { revisionId: String(history[1].id), baseVersion: String(widened.body.version) });
    const restored = (await app.api('GET', `/api/drafts/${draft.id}`)).body;
    expect(restored).toMatchObject({ to: [ines], cc: [] });
    expect((await app.api('GET', `/api/drafts/${draft.id}/revisions`)).body[0].change).toBe('removed kim@duarte.example (Cc)');
  });
});
