/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { upsertMailbox } from '../../core/mailboxes/mailboxes.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { axeViolations, launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { deliver, US } from '../support/followups.ts';

/** The follow-up pages as staff use them: the lists, the keep-in-touch button, promises, requests and the rules. */
describe('follow-ups in the browser', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  const clock = new ManualClock('2026-08-01T00:00:00Z');
  const conversations: Record<string, number> = {};
  const errors: string[] = [];
  let seq = 0;

  const write = async (from: string, to: string, subject: string, at: string, body: string, inReplyTo?: string) => {
    clock.set(at);
    const id = `b${++seq}@browser.example`;
    return { ...(await deliver(app.rt.ctx, null, { id, from, to, subject, at, body, inReplyTo })), id };
  };

  beforeAll(async () => {
    app = await startTestApp({ workers: false, clock });
    await upsertMailbox(app.rt.ctx, {
      name: 'Fernhill',
      email: US,
      imap: { host: '127.0.0.1', port: 1, secure: false, user: 'u', password: 'p' },
      smtp: { host: '127.0.0.1', port: 1, secure: false, user: '', password: '' },
      source: 'ui',
    });
    const us = `Dana Okafor <${US}>`;
    for (const [name, address, subject, asked, answer] of [
      ['Ruth Calloway', 'ruth@cookschool.example', 'Knife roll', '2026-08-03T09:00:00Z', 'Glad the knife roll arrived.'],
      ['Maria Lopez', 'maria@bakery.example', 'CSV export', '2026-10-01T09:00:00Z', "I'll ask our developer and get back to you by Friday."],
    ] as const) {
      const q = await write(`${name} <${address}>`, US, subject, asked, `Hello, a question about the ${subject.toLowerCase()}: could I get a CSV export of my orders?`);
      await write(us, `${name} <${address}>`, `Re: ${subject}`, new Date(new Date(asked).getTime() + 3_600_000).toISOString(), `Hi,\n\n${answer}\n\nDana`, q.id);
      conversations[subject] = q.conversationId;
    }
    conversations['Stock pot lid'] = (
      await write('Jonas Berg <jonas@berg-cafe.example>', US, 'Stock pot lid', '2026-11-10T08:00:00Z', 'Do you sell lids on their own?')
    ).conversationId;
    clock.set('2026-11-20T12:00:00Z');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    const owner = await app.addUser('owner', 'Alex Morgan');
    await signIn(page, app.url, owner.email, owner.password);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('lists who waits on us and who is going quiet, and drafts a keep-in-touch note from the button', async () => {
    await page.getByRole('link', { name: 'Waiting on us' }).click();
    await page.getByRole('heading', { name: /Waiting on us/ }).waitFor();
    expect(await page.locator('#waiting-on-us tbody tr').allTextContents()).toEqual([expect.stringMatching(/Jonas Berg.*Stock pot lid.*10 days/s)]);
    await screenshot(page, 'waiting-on-us');

    await page.getByRole('link', { name: 'Going quiet' }).click();
    await page.getByRole('heading', { name: /Going quiet/ }).waitFor();
    expect(await page.locator('#going-quiet tbody th').allTextContents()).toEqual([expect.stringMatching(/^Ruth Calloway/), expect.stringMatching(/^Maria Lopez/)]);
    await screenshot(page, 'going-quiet');
    await page.getByRole('button', { name: 'Draft a keep-in-touch note to Ruth Calloway' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('A keep-in-touch note is in the queue');
    expect(await page.locator('#going-quiet tbody tr').first().textContent()).toContain('A follow-up is waiting');

    await page.getByRole('link', { name: 'Knife roll' }).click();
    await page.getByRole('heading', { name: 'Knife roll' }).waitFor();
    expect(await page.locator('#followup-why').textContent()).toMatch(/^Keep in touch: No mail either way with Ruth Calloway since 2026-08-03/);
  });

  it('shows the promise found in our reply, corrects it, and closes the loop on a request', async () => {
    await page.goto(`${app.url}/conversations/${conversations['CSV export']}`);
    const promise = page.locator('.promises li').first();
    expect(await promise.textContent()).toContain('by Friday');
    await page.getByLabel('Due at').fill('2026-11-27T09:30');
    await page.getByRole('button', { name: 'Correct' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('The promise is corrected');
    expect(await page.locator('.promises li time').getAttribute('datetime')).toBe('2026-11-27T09:30:00.000Z');

    await page.getByLabel('They want').fill('CSV export');
    await page.getByRole('button', { name: 'Tag the request' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Tagged "wants: CSV export"');
    await screenshot(page, 'conversation-followups');
    await page.getByRole('link', { name: 'Requests' }).click();
    expect(await page.locator('q').first().textContent()).toBe('A question about the csv export: could I get a CSV export of my orders?');
    await page.getByRole('button', { name: 'Mark CSV export shipped and draft a note to everyone who asked' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('1 personal note is in the queue');
  });

  it('lets the owner change the rules, and every follow-up page is accessible and fits a phone', async () => {
    await page.goto(`${app.url}/followups/rules`);
    await page.getByLabel('Days after we answered, if they have not written since').fill('10');
    await page.getByRole('button', { name: 'Save the rules' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('The follow-up rules are saved.');
    expect(await page.getByLabel('Days after we answered, if they have not written since').inputValue()).toBe('10');

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true, storageState: await page.context().storageState() });
    const small = await phone.newPage();
    for (const path of ['/waiting-on-us', '/going-quiet', '/requests', '/followups/rules', `/conversations/${conversations['CSV export']}`]) {
      await small.goto(`${app.url}${path}`);
      expect(await axeViolations(small), path).toEqual([]);
      expect(await small.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), path).toBe(true);
    }
    await phone.close();
    expect(errors).toEqual([]);
  });
});
