import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithDraft, type TestApp } from '../support/app.ts';
import { Browserish } from '../support/browserish.ts';

const US = 'support@fernhill.example';

describe('bulk approval from the queue page', () => {
  let started: Awaited<ReturnType<typeof startWithDraft>>;
  let app: TestApp;

  beforeAll(async () => {
    started = await startWithDraft(
      'bulkpage',
      [
        'From: Ola Nordmann <ola@nordmann.example>',
        `To: ${US}`,
        'Subject: Gift wrapping?',
        `Date: ${new Date().toUTCString()}`,
        'Message-ID: <gift@nordmann.example>',
        '',
        'Hi, can you gift wrap the kettle I ordered? Ola',
        '',
      ].join('\r\n'),
      { LONGHAND_FROM: US },
    );
    app = started.app;
  });

  afterAll(async () => {
    await started?.close();
  });

  it('approves what the approver saw in the queue, and refuses a draft changed since', async () => {
    const [draft] = (await app.api('GET', '/api/drafts?status=pending')).body;
    const filled = await app.api('PATCH', `/api/drafts/${draft.id}`, {
      body: 'Hi Ola,\n\nYes: the kettle goes out wrapped in our green paper, at no cost.\n\nSam',
      baseVersion: draft.version,
    });
    const approver = new Browserish(app.url);
    const sam = await app.addUser('approver', 'Sam Reyes');
    await approver.signIn(sam.email, sam.password);
    const queue = await approver.get('/');
    const pick = new RegExp(`name="ids" value="(${draft.id}:\\d+)"`).exec(queue.text)?.[1];
    expect(pick).toBe(`${draft.id}:${filled.body.version}`);

    // After the approver loaded the queue, someone else sends the reply elsewhere.
    await app.api('PATCH', `/api/drafts/${draft.id}`, { to: [{ address: 'elsewhere@other.example', name: '' }] });
    const stale = await approver.post('/drafts/approve', { _csrf: queue.csrf, back: '/', ids: pick! });
    expect(stale.status).toBe(303);
    expect((await approver.get('/')).text).toContain('0 approved, each with its own undo window. 1 not: The draft changed since you reviewed it');
    expect((await app.api('GET', `/api/drafts/${draft.id}`)).body.status).toBe('pending');

    const fresh = await approver.get('/');
    const current = new RegExp(`name="ids" value="(${draft.id}:\\d+)"`).exec(fresh.text)?.[1];
    await approver.post('/drafts/approve', { _csrf: fresh.csrf, back: '/', ids: current! });
    expect((await app.api('GET', `/api/drafts/${draft.id}`)).body.status).not.toBe('pending');
  });
});
