import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { Browserish } from '../support/browserish.ts';
import { SmtpSink, type TestMailbox, testMailbox, waitUntil } from '../support/servers.ts';

const US = 'support@fernhill.example';
const mail = (id: string, body: string, inReplyTo?: string) =>
  [
    `From: Mei Chen <mei@chen.example>`,
    `To: ${US}`,
    `Subject: ${inReplyTo ? 'Re: ' : ''}Which glaze is food safe?`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${id}@chen.example>`,
    ...(inReplyTo ? [`In-Reply-To: <${inReplyTo}@chen.example>`] : []),
    '',
    body,
    '',
  ].join('\r\n');

describe('the customer writes again while our reply waits to go out', () => {
  let sink: SmtpSink;
  let box: TestMailbox;
  let app: TestApp;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    box = testMailbox('wroteagain');
    await box.append(mail('glaze-1', 'Hi, is the blue glaze on the 20 cm bowl food safe? Mei'));
    // A long undo window: the reply can only leave if something sends it early, never by the test waiting.
    app = await startTestApp({ env: { LONGHAND_IMAP_URL: box.imapUrl, LONGHAND_SMTP_URL: sink.url, LONGHAND_FROM: US, LONGHAND_UNDO_SECONDS: '600' } });
    await waitUntil(async () => (await app.api('GET', '/api/drafts?status=pending')).body.length === 1, 15_000, 'the draft');
  });

  afterAll(async () => {
    await app?.close();
    await sink?.close();
  });

  it('stops the approved send and puts the draft back with "they wrote again: read it first"', async () => {
    const [draft] = (await app.api('GET', '/api/drafts?status=pending')).body;
    const edited = await app.api('PATCH', `/api/drafts/${draft.id}`, {
      body: 'Hi Mei,\n\nYes: the blue glaze on the 20 cm bowl is food safe and fine in the dishwasher.\n\nSam',
      baseVersion: draft.version,
    });
    expect(edited.status).toBe(200);
    const approved = await app.api('POST', `/api/drafts/${draft.id}/approve`, { version: edited.body.version });
    expect(approved.body).toMatchObject({ status: 'approved' });

    await box.append(mail('glaze-2', 'Sorry, I meant the green one, not the blue! Mei', 'glaze-1'));
    await waitUntil(async () => (await app.api('GET', `/api/drafts/${draft.id}`)).body.status === 'pending', 15_000, 'the draft back to pending');

    const back = (await app.api('GET', `/api/drafts/${draft.id}`)).body;
    expect(back).toMatchObject({ status: 'pending', customerWroteAgain: true });
    expect(back.body).toContain('blue glaze');
    const outbox = await app.rt.ctx.db.selectFrom('outbox').select('state').where('draft_id', '=', draft.id).execute();
    expect(outbox.map((o) => o.state)).toEqual(['cancelled']);
    const staff = new Browserish(app.url);
    const sam = await app.addUser('agent', 'Sam Reyes');
    await staff.signIn(sam.email, sam.password);
    const page = await staff.get(`/conversations/${draft.conversationId}`);
    expect(page.text).toContain('They wrote again: read it first.');
    expect(page.text).toContain('I meant the green one');
    expect(sink.received).toHaveLength(0);

    // What the person sees when they come back to it.
    const browser = await launchBrowser();
    try {
      const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await signIn(tab, app.url, sam.email, sam.password);
      await tab.goto(`${app.url}/conversations/${draft.conversationId}`);
      await tab.locator('#wrote-again').waitFor();
      await screenshot(tab, 'they-wrote-again');
    } finally {
      await browser.close();
    }
  });
});
