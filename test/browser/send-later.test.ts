import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithDraft, type TestApp } from '../support/app.ts';
import { axeViolations, launchBrowser, screenshot, signIn } from '../support/browser.ts';

const FROM = 'support@fernhill.example';

/** Send later in the browser of someone in Berlin: their zone comes from the browser at sign-in, and the time they type and see is theirs. */
describe('send later in the browser', () => {
  let app: TestApp;
  let started: Awaited<ReturnType<typeof startWithDraft>>;
  let browser: Browser;

  beforeAll(async () => {
    started = await startWithDraft(
      'sendlaterui',
      [
        'From: Lena Vogt <lena@vogt.example>',
        `To: ${FROM}`,
        'Subject: Is the oven mitt washable?',
        `Date: ${new Date().toUTCString()}`,
        'Message-ID: <mitt@vogt.example>',
        '',
        'Hello, can the linen oven mitt go in the washing machine, and at what temperature? Lena',
        '',
      ].join('\r\n'),
      { LONGHAND_FROM: FROM },
    );
    app = started.app;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await started?.close();
  });

  it('approves for a typed time, shows when, moves it and cancels it back to an editable draft', async () => {
    const staff = await app.addUser('approver', 'Sam Reyes');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Europe/Berlin', bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, app.url, staff.email, staff.password);
    const [draft] = (await app.api('GET', '/api/drafts?status=pending')).body;
    await page.goto(`${app.url}/conversations/${draft.conversationId}`);
    await page.getByLabel('Reply', { exact: true }).fill('Hi Lena,\n\nYes: the linen mitt washes at 40 degrees; let it dry flat so the lining keeps its shape.\n\nSam');

    const year = new Date().getUTCFullYear() + 1;
    await page.getByText('Send later').click();
    expect(await page.locator('label[for="send-at"]').textContent()).toBe('Send at (your time, Europe/Berlin)');
    await page.getByLabel(/^Send at/).fill(`${year}-01-15T09:30`);
    await page.getByRole('button', { name: 'Approve and send at this time' }).click();
    // 09:30 in Berlin in January is 08:30 UTC.
    await expect.poll(() => page.locator('#scheduled').textContent()).toContain(`${year}-01-15 09:30 CET`);
    expect(await page.getByRole('status').first().textContent()).toContain('goes out at');
    await screenshot(page, 'send-later');
    expect(await axeViolations(page)).toEqual([]);
    expect((await app.api('GET', `/api/drafts/${draft.id}`)).body).toMatchObject({ status: 'approved', sendAfter: `${year}-01-15T08:30:00.000Z` });

    await page.goto(`${app.url}/`);
    expect(await page.locator('#queue-live').textContent()).toContain(`goes out ${year}-01-15 09:30 CET`);
    await page.goto(`${app.url}/conversations/${draft.conversationId}`);
    await page.getByLabel(/^Move to/).fill(`${year}-01-16T14:00`);
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await expect.poll(() => page.locator('#scheduled').textContent()).toContain(`${year}-01-16 14:00 CET`);
    expect((await app.api('GET', `/api/drafts/${draft.id}`)).body.sendAfter).toBe(`${year}-01-16T13:00:00.000Z`);

    await page.getByRole('button', { name: /Cancel the scheduled send/ }).click();
    await page.getByLabel('Reply', { exact: true }).waitFor();
    expect(await page.getByLabel('Reply', { exact: true }).inputValue()).toContain('washes at 40 degrees');
    expect((await app.api('GET', `/api/drafts/${draft.id}`)).body).toMatchObject({ status: 'pending', sendAfter: null });
    expect(started.sink.received).toHaveLength(0);
    await context.close();
  });
});
