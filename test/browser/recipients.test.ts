import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithDraft, type TestApp } from '../support/app.ts';
import { launchBrowser, screenshot, signIn } from '../support/browser.ts';
import type { SmtpSink } from '../support/servers.ts';

const US = 'support@fernhill.example';
/** Anyone can put an address, a comma or angle brackets into their display name. */
const HOSTILE = [
  'From: "Pat Doe <thief@evil.example>, other@evil.example" <pat@customer.example>',
  `To: ${US}`,
  'Cc: "Lee, <spy@evil.example>" <lee@customer.example>',
  'Subject: Where is my order?',
  `Date: ${new Date().toUTCString()}`,
  'Message-ID: <hostile-name@customer.example>',
  '',
  'Hello, my order 4471 has not arrived. Pat',
  '',
].join('\r\n');

describe('recipients stay what the mail said, whatever a display name holds', () => {
  let started: Awaited<ReturnType<typeof startWithDraft>>;
  let app: TestApp;
  let sink: SmtpSink;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    started = await startWithDraft('recipients', HOSTILE, { LONGHAND_FROM: US });
    ({ app, sink } = started);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const staff = await app.addUser('approver', 'Sam Reyes');
    await signIn(page, app.url, staff.email, staff.password);
  });

  afterAll(async () => {
    await browser?.close();
    await started?.close();
  });

  it('shows each recipient as a chip with its address, and an unchanged approve sends only to the customer', async () => {
    const [draft] = (await app.api('GET', '/api/drafts?status=pending')).body;
    await page.goto(`${app.url}/conversations/${draft.conversationId}`);
    const to = page.locator('#to-recipients .chip');
    await expect.poll(() => to.count()).toBe(1);
    expect(await to.locator('.chip-address').textContent()).toBe('pat@customer.example');
    expect(await to.locator('.chip-name').textContent()).toBe('Pat Doe <thief@evil.example>, other@evil.example');
    const cc = page.locator('#cc-recipients .chip');
    expect(await cc.count()).toBe(1);
    expect(await cc.locator('.chip-address').textContent()).toBe('lee@customer.example');
    await screenshot(page, 'recipient-chips');

    await page
      .getByLabel('Reply', { exact: true })
      .fill('Hi Pat,\n\nOrder 4471 left our workshop on Monday; I have asked the courier where it is and will write by Thursday.\n\nSam');
    await page.locator('#draft-form').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Saved');
    const saved = (await app.api('GET', `/api/drafts/${draft.id}`)).body;
    expect(saved.to).toEqual([{ address: 'pat@customer.example', name: 'Pat Doe <thief@evil.example>, other@evil.example' }]);
    expect(saved.cc).toEqual([{ address: 'lee@customer.example', name: 'Lee, <spy@evil.example>' }]);

    // A person removes one recipient and types another: what they typed is read as an address list.
    await page.locator('#cc-recipients .chip', { hasText: 'lee@customer.example' }).getByLabel('Remove').check();
    await page.getByLabel('Add to Cc').fill('Kim Ortega <kim@customer.example>');
    await page.locator('#draft-form').getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await app.api('GET', `/api/drafts/${draft.id}`)).body.cc).toEqual([{ address: 'kim@customer.example', name: 'Kim Ortega' }]);
    expect((await app.api('GET', `/api/drafts/${draft.id}`)).body.to).toEqual(saved.to);
    // Kim never took part: the draft says so, and the score is held down until a person has looked.
    await expect
      .poll(() => page.locator('.finding-new-recipient').allTextContents())
      .toEqual([expect.stringContaining('New recipient: kim@customer.example — not in this conversation.')]);
    expect(Number(await page.locator('#touch-summary strong').textContent())).toBeLessThanOrEqual(60);
    await screenshot(page, 'new-recipient');
    await page.locator('#history > summary').click();
    await expect.poll(() => page.locator('#history .revision').count()).toBe(2);
    await page.locator('#history').scrollIntoViewIfNeeded();
    await screenshot(page, 'draft-history');

    await page.getByRole('button', { name: 'Approve and send' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toMatch(/Approved/);
    const [mail] = await sink.waitFor(1);
    expect(mail!.envelope.to.sort()).toEqual(['kim@customer.example', 'pat@customer.example']);
    // The name is quoted in the header, so no mail program reads an address out of it.
    const header = mail!.parsed.to && !Array.isArray(mail!.parsed.to) ? mail!.parsed.to.value : [];
    expect(header).toEqual([{ address: 'pat@customer.example', name: 'Pat Doe <thief@evil.example>, other@evil.example' }]);
  });
});
