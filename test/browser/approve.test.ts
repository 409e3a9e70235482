import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithDraft, type TestApp } from '../support/app.ts';
import { launchBrowser, screenshot } from '../support/browser.ts';

const FROM = 'support@fernhill.example';

describe('signing in and approving a draft in the browser', () => {
  let app: TestApp;
  let started: Awaited<ReturnType<typeof startWithDraft>>;
  let browser: Browser;

  beforeAll(async () => {
    started = await startWithDraft(
      'browser',
      [
        'From: Jonas Berg <jonas@berg-cafe.example>',
        `To: ${FROM}`,
        'Subject: Replacement lid for the stock pot?',
        `Date: ${new Date().toUTCString()}`,
        'Message-ID: <lid-question@berg-cafe.example>',
        '',
        'Hi there, the lid of my 12 litre stock pot cracked. Do you sell lids on their own? Jonas',
        '',
      ].join('\r\n'),
      { LONGHAND_FROM: FROM, LONGHAND_HISTORY_DAYS: '14' },
    );
    app = started.app;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await started?.close();
  });

  it('signs in, opens the conversation from the queue, fills the slots and approves', async () => {
    const staff = await app.addUser('approver', 'Sam Reyes');
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    await page.goto(`${app.url}/`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/signin');
    await screenshot(page, 'signin');
    await page.getByLabel('Email').fill(staff.email);
    await page.getByLabel('Password').fill('wrong password here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('do not match');

    await page.getByLabel('Password').fill(staff.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Waiting for you/ }).waitFor();
    await screenshot(page, 'queue');

    await page.getByRole('link', { name: /Replacement lid for the stock pot/ }).click();
    await page.getByRole('heading', { name: 'Replacement lid for the stock pot?' }).waitFor();
    expect(await page.locator('.message').first().textContent()).toContain('Do you sell lids on their own?');
    await screenshot(page, 'conversation');

    // Approving with the template's slots still open is refused, and says what is left.
    await page.getByRole('button', { name: 'Approve and send' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Fill in the personal parts first');

    const reply = 'Hi Jonas,\n\nSorry to hear about the lid! We do sell them on their own: I have put one aside for you, and it ships tomorrow.\n\nSam';
    await page.getByLabel('Reply', { exact: true }).fill(reply);
    await page.getByRole('button', { name: 'Approve and send' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toMatch(/Approved/);

    const [mail] = await started.sink.waitFor(1);
    expect(mail!.parsed.text).toContain('I have put one aside for you');
    expect(mail!.parsed.from?.value[0]?.name).toBe('Sam at Fernhill');
    expect(mail!.parsed.inReplyTo).toBe('<lid-question@berg-cafe.example>');

    // The mailbox page shows how far the sync has come.
    await page.getByRole('link', { name: 'Mailboxes' }).click();
    const progress = page.getByRole('progressbar', { name: /INBOX: 1 of 1 stored/ });
    await progress.waitFor();
    expect(await page.locator('.mailbox').textContent()).toContain('support@fernhill.example');
    // Only owners may sync again from the start.
    expect(await page.getByRole('button', { name: 'Sync again from the start' }).count()).toBe(0);
    await screenshot(page, 'mailboxes');
    expect(errors).toEqual([]);
    await page.close();
  });
});
