import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { SmtpSink, type TestMailbox, testMailbox, waitUntil } from '../support/servers.ts';

const US = 'support@fernhill.example';
const mail = (id: string, from: string, subject: string, body: string) =>
  [`From: ${from}`, `To: ${US}`, `Subject: ${subject}`, `Date: ${new Date().toUTCString()}`, `Message-ID: <${id}@customers.example>`, '', body, ''].join('\r\n');

/** After approving, the next conversation waiting opens, with the undo window counting down at its top; or, by a setting, the page stays. */
describe('approve, then the next one', () => {
  let sink: SmtpSink;
  let box: TestMailbox;
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    box = testMailbox('approvenext');
    await box.append(mail('kettle', 'Ruth Adler <ruth@customers.example>', 'Kettle whistle', 'Hi, the whistle on my enamel kettle stopped working. Can I get a new one? Ruth'));
    await box.append(mail('board', 'Omar Haddad <omar@customers.example>', 'Cutting board oil', 'Hello, how often should I oil the walnut cutting board? Omar'));
    app = await startTestApp({ env: { LONGHAND_IMAP_URL: box.imapUrl, LONGHAND_SMTP_URL: sink.url, LONGHAND_FROM: US, LONGHAND_UNDO_SECONDS: '600' } });
    await waitUntil(async () => (await app.api('GET', '/api/drafts?status=pending')).body.length === 2, 20_000, 'two drafts');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sink?.close();
  });

  it('opens the next conversation with Undo and its countdown at the top, and undo brings the first back', async () => {
    const staff = await app.addUser('approver', 'Sam Reyes');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, app.url, staff.email, staff.password);
    const drafts = (await app.api('GET', '/api/drafts?status=pending')).body as Array<{ id: number; conversationId: number; subject: string }>;
    const kettle = drafts.find((d) => d.subject.includes('Kettle'))!;
    const board = drafts.find((d) => d.subject.includes('Cutting board'))!;
    await page.goto(`${app.url}/conversations/${kettle.conversationId}`);
    await page.getByLabel('Reply', { exact: true }).fill('Hi Ruth,\n\nThe whistle clips off the spout; a new one for your enamel kettle is in the post today.\n\nSam');
    await page.getByRole('button', { name: 'Approve and send', exact: true }).click();

    await expect.poll(() => new URL(page.url()).pathname).toBe(`/conversations/${board.conversationId}`);
    const bar = page.locator('.undo-bar');
    expect(await bar.textContent()).toContain('Kettle whistle');
    const first = Number(await bar.locator('.countdown').textContent());
    expect(first).toBeGreaterThan(590);
    expect(first).toBeLessThanOrEqual(600);
    await screenshot(page, 'approved-next');

    await page.goto(`${app.url}/`);
    const row = page.locator(`li[data-draft="${kettle.id}"]`);
    expect(await row.textContent()).toContain('goes out');
    await row.getByRole('button', { name: /Undo the approval/ }).click();
    await expect.poll(async () => (await app.api('GET', `/api/drafts/${kettle.id}`)).body.status).toBe('pending');
    expect(sink.received).toHaveLength(0);
  });

  it('stays on the conversation when the team prefers it', async () => {
    expect((await app.api('PUT', '/api/settings', { stayAfterApprove: true })).status).toBe(200);
    const staff = await app.addUser('approver', 'Iris Lund');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, app.url, staff.email, staff.password);
    const kettle = ((await app.api('GET', '/api/drafts?status=pending')).body as Array<{ conversationId: number; subject: string }>).find((d) => d.subject.includes('Kettle'))!;
    await page.goto(`${app.url}/conversations/${kettle.conversationId}`);
    await page.getByRole('button', { name: 'Approve and send', exact: true }).click();
    await page.locator('#undo').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/conversations/${kettle.conversationId}`);
    expect(await page.locator('.undo-bar').count()).toBe(0);
    await page.locator('#undo').click();
    await expect.poll(() => page.locator('.flash').first().textContent()).toContain('Undone');
  });
});
