/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertMailbox } from '../../core/mailboxes/mailboxes.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { axeViolations, expectAccessible, launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { deliver, US } from '../support/followups.ts';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

/** Customers as staff use them: the list and search, the card with notes and tags, merge and split; who has a conversation, and notes on it. */
describe('customers in the browser', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  /** Signed in as the same owner, without the CSP, so axe can be injected. */
  let audit: BrowserContext;
  let agent: { email: string; password: string };
  const conversations: Record<string, number> = {};
  const errors: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({ workers: false });
    const mailboxId = (
      await upsertMailbox(app.rt.ctx, {
        name: 'Fernhill',
        email: US,
        imap: { host: '127.0.0.1', port: 1, secure: false, user: 'u', password: 'p' },
        smtp: { host: '127.0.0.1', port: 1, secure: false, user: '', password: '' },
        source: 'ui',
      })
    ).id;
    for (const [id, from, subject, at, body] of [
      ['c1@bakery.example', 'Maria Lopez <maria@bakery.example>', 'Induction?', hoursAgo(72), 'Does the 28 cm pan work on induction? We bake on induction hobs.'],
      ['c2@berg-cafe.example', 'Jonas Berg <jonas@berg-cafe.example>', 'Stock pot lid', hoursAgo(48), 'Do you sell lids on their own?'],
      ['c3@gmail.example', 'maria <maria.lopez@gmail.example>', 'Wholesale order', hoursAgo(24), 'It is Maria from the bakery again. Could we order 20 pans at a wholesale price?'],
    ] as const) {
      conversations[subject] = (await deliver(app.rt.ctx, mailboxId, { id, from, to: US, subject, at, body })).conversationId;
    }
    const owner = await app.addUser('owner', 'Alex Morgan');
    await app.addUser('agent', 'Sam Reyes');
    agent = await app.addUser('agent', 'Priya Shah');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, app.url, owner.email, owner.password);
    audit = await browser.newContext({ bypassCSP: true, storageState: await page.context().storageState() });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('lists customers most recently in touch first, and finds them by name, company or their own words', async () => {
    await page.getByRole('link', { name: 'Customers' }).click();
    const names = page.locator('#customers tbody th a');
    expect(await names.allTextContents()).toEqual(['Maria', 'Jonas Berg', 'Maria Lopez']);
    await screenshot(page, 'customers');

    await page.getByLabel('Find a customer or what they wrote').fill('wholesale');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('#message-results li').first().textContent()).toContain('Wholesale order');
    expect(await page.locator('#message-results mark').first().textContent()).toMatch(/wholesale/i);

    await page.getByLabel('Find a customer or what they wrote').fill('berg');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#customer-results').getByRole('link', { name: 'Jonas Berg' }).click();
    await page.getByRole('heading', { level: 1, name: 'Jonas Berg' }).waitFor();
    expect(await page.locator('#customer-history').textContent()).toContain('Do you sell lids on their own?');
  });

  it('keeps notes, tags and their person, merges a second address and splits it off again', async () => {
    await page.goto(`${app.url}/customers`);
    await page.locator('#customers').getByRole('link', { name: 'Maria Lopez' }).click();
    await page.getByLabel(/^Notes/).fill('Runs a bakery in Valencia; bakes on induction.');
    await page.getByLabel(/^Tags/).fill('wholesale, prefers phone, wholesale');
    await page.getByLabel(/^Their person/).selectOption({ label: 'Sam Reyes' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Saved what you wrote about them');
    expect(await page.getByLabel(/^Tags/).inputValue()).toBe('wholesale, prefers phone');
    expect(await page.getByLabel(/^Notes/).inputValue()).toBe('Runs a bakery in Valencia; bakes on induction.');
    expect(await page.locator('dl.facts').textContent()).toContain('Sam Reyes');

    await page.getByLabel(/^Their other address/).fill('nobody@nowhere.example');
    await page.getByRole('button', { name: 'Merge' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('No customer has the address nobody@nowhere.example');
    await page.getByLabel(/^Their other address/).fill('maria.lopez@gmail.example');
    await page.getByRole('button', { name: 'Merge' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Merged');
    expect(await page.locator('#customer-history a').allTextContents()).toEqual(['Wholesale order', 'Induction?']);
    expect(await page.locator('main > div > p.muted').first().textContent()).toContain('maria@bakery.example, maria.lopez@gmail.example');
    await screenshot(page, 'customer');
    await expectAccessible(audit, page.url());
    await expectAccessible(audit, `${app.url}/customers`);
    await expectAccessible(audit, `${app.url}/customers?q=bakery`);

    // The card beside the conversation shows what was kept, and leads back here.
    await page.goto(`${app.url}/conversations/${conversations['Wholesale order']}`);
    const card = page.locator('section.card');
    expect(await card.textContent()).toContain('Runs a bakery in Valencia');
    expect(await card.textContent()).toContain('prefers phone');
    await card.getByRole('link', { name: 'Maria Lopez' }).click();

    await page.getByLabel('maria.lopez@gmail.example').check();
    await page.getByRole('button', { name: 'Split off' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Split off maria.lopez@gmail.example');
    expect(await page.locator('#customer-history a').allTextContents()).toEqual(['Induction?']);
    await page.goto(`${app.url}/customers`);
    expect(await page.locator('#customers tbody th a').allTextContents()).toEqual(['Maria', 'Jonas Berg', 'Maria Lopez']);
  });

  it('assigns a conversation, sets what it waits on, and keeps notes for the team that name a colleague', async () => {
    await page.goto(`${app.url}/conversations/${conversations['Stock pot lid']}`);
    await page.getByLabel('Assigned to').selectOption({ label: 'Sam Reyes' });
    await page.getByLabel('Status').selectOption('waiting_on_them');
    await page.locator('#change-form').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Saved: waiting on them, assigned to Sam Reyes');
    expect(await page.locator('p.status').textContent()).toContain('Waiting on them');

    await page.getByLabel(/^Add a note/).fill('@sam could you check whether the 24 cm lid is in stock?');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Note added; Sam Reyes will see it');
    expect(await page.locator('#notes').textContent()).toContain('Alex Morgan');
    expect(await page.locator('#notes').textContent()).toContain('could you check whether the 24 cm lid is in stock?');
    const conversation = (await app.api('GET', `/api/conversations/${conversations['Stock pot lid']}`)).body;
    expect(conversation).toMatchObject({
      status: 'waiting_on_them',
      assigneeId: (await app.rt.ctx.db.selectFrom('users').select('id').where('name', '=', 'Sam Reyes').executeTakeFirstOrThrow()).id,
    });

    // Someone changed it meanwhile: the form says so instead of overwriting.
    await page.goto(`${app.url}/conversations/${conversations['Stock pot lid']}`);
    await app.api('PATCH', `/api/conversations/${conversations['Stock pot lid']}`, { status: 'done' });
    await page.getByLabel('Status').selectOption('waiting_on_us');
    await page.locator('#change-form').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('changed since you loaded it');
    expect((await app.api('GET', `/api/conversations/${conversations['Stock pot lid']}`)).body.status).toBe('done');
    await expectAccessible(audit, page.url());
  });

  it('writes to a customer from their page: a new conversation with its draft, waiting for approval', async () => {
    await page.goto(`${app.url}/customers`);
    await page.locator('#customers').getByRole('link', { name: 'Jonas Berg' }).click();
    await page.getByRole('link', { name: 'Write to Jonas Berg' }).click();
    await page.getByRole('heading', { level: 1, name: 'Write to Jonas Berg' }).waitFor();
    expect(await page.locator('#to-recipients .chip-address').allTextContents()).toEqual(['jonas@berg-cafe.example']);
    expect(await page.getByLabel('Send from').locator('option:checked').textContent()).toBe(`Fernhill <${US}>`);
    await page.getByLabel('Subject').fill('Lids for the stock pots');
    await page.getByLabel(/^Message/).fill('Hi Jonas,\n\nThe lids for the 24 cm stock pots came in this morning: shall I put two aside for the café?\n\nAlex');
    await screenshot(page, 'new-conversation');
    await expectAccessible(audit, page.url());
    await page.getByRole('button', { name: 'Write the draft' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lids for the stock pots' }).waitFor();
    expect(await page.locator('.flash').textContent()).toContain('Your draft is ready');
    expect(await page.locator('#body-input').inputValue()).toContain('shall I put two aside');
    expect(await page.getByRole('button', { name: 'Approve and send' }).count()).toBe(1);
  });

  it('shows an agent no merge, and works at phone width', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, bypassCSP: true });
    const small = await phone.newPage();
    await signIn(small, app.url, agent.email, agent.password);
    await small.goto(`${app.url}/customers`);
    await small.locator('#customers').getByRole('link', { name: 'Maria Lopez' }).click();
    expect(await small.getByRole('button', { name: 'Merge' }).count()).toBe(0);
    expect(await small.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    expect(await axeViolations(small)).toEqual([]);
    await phone.close();
    expect(errors).toEqual([]);
  });
});
