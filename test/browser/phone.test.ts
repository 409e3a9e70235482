/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNote } from '../../core/conversations/notes.ts';
import { prepareReplyDraft } from '../../core/drafts/drafter.ts';
import { editDraft } from '../../core/drafts/drafts.ts';
import { noJobs } from '../../core/jobs.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { axeViolations, launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { deliver, US } from '../support/followups.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

/** Long unbroken strings, as customers paste them: they must wrap, not widen the page. */
const TRACKING = `https://tracking.parcelpost.example/track/shipment?reference=FERNHILL-${'7'.repeat(40)}&customer=ruth.calloway%40yorkshire-cookery-school.example&utm_source=email`;
const ORDER = `ORDER-${'A1B2C3D4'.repeat(8)}`;

/** Every main page at 390 × 844, as on a phone: nothing wider than the screen, the navigation behind one button, axe content. */
describe('Longhand on a phone', () => {
  let app: TestApp;
  let browser: Browser;
  let phone: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  const pages: string[] = [];
  let conversationId = 0;

  beforeAll(async () => {
    app = await startTestApp({ workers: false });
    const mailbox = await offlineMailbox(app.rt.ctx);
    const owner = await app.addUser('owner', 'Alex Morgan');
    const agent = await app.addUser('agent', 'Sam Whitfield-Hargreaves');
    const now = Date.now();
    const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000).toISOString();
    const asked = await deliver(app.rt.ctx, mailbox.id, {
      id: `phone-1-${now}@cookschool.example`,
      from: 'Ruth Calloway <ruth.calloway.bookings@yorkshire-cookery-school.example>',
      to: US,
      subject: `Where is my knife roll? Order ${ORDER}`,
      at: at(30),
      body: `Hello,\n\nThe tracking page says nothing since Monday: ${TRACKING}\n\nMy order number is ${ORDER}.\n\nRuth`,
    });
    conversationId = asked.conversationId;
    const quiet = { ...app.rt.ctx, jobs: noJobs };
    const outcome = await prepareReplyDraft(quiet, conversationId);
    if (!outcome.drafted) throw new Error(`no draft: ${outcome.reason}`);
    const paragraph = 'The courier has the parcel at their depot in Leeds and promised us it goes out on the first van tomorrow morning. ';
    await editDraft(
      app.rt.ctx,
      outcome.draftId,
      { body: `Hi Ruth,\n\n${paragraph.repeat(6)}\n\nYou can follow it here: ${TRACKING}\n\nYour order ${ORDER} is safe.\n\nAlex` },
      owner.user,
    );
    // A mention for the owner, with a link no phone is wide enough for.
    await addNote(app.rt.ctx, conversationId, `@alex.morgan the courier's page for ${ORDER}: ${TRACKING}`, agent.user);
    const mine = `phone-2-${now}@bakery.example`;
    await deliver(app.rt.ctx, mailbox.id, {
      id: mine,
      from: 'Maria Lopez <maria@bakery.example>',
      to: US,
      subject: 'CSV export',
      at: at(400),
      body: 'Could I get a CSV export of my orders?',
    });
    await deliver(app.rt.ctx, mailbox.id, {
      id: `phone-3-${now}@fernhill.example`,
      from: `Alex Morgan <${US}>`,
      to: 'Maria Lopez <maria@bakery.example>',
      subject: 'Re: CSV export',
      at: at(399),
      body: "Hi Maria,\n\nI'll ask our developer and get back to you by Friday.\n\nAlex",
      inReplyTo: mine,
    });

    const snippet = await app.api('POST', '/api/snippets', {
      name: 'Where is my parcel',
      shortcut: 'tracking',
      keywords: ['courier'],
      body: `Hi {{customer.firstName}}, the courier shows where it is: https://status.courier.example/parcels/${'X9'.repeat(40)}`,
    });
    expect(snippet.status).toBe(201);

    browser = await launchBrowser();
    phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, bypassCSP: true });
    page = await phone.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, app.url, owner.email, owner.password);

    await page.goto(`${app.url}/customers`);
    const customer = await page.locator('#customers tbody a').first().getAttribute('href');
    await page.goto(`${app.url}/templates`);
    const template = await page.locator('.templates a').first().getAttribute('href');
    pages.push(
      '/',
      `/conversations/${conversationId}`,
      '/conversations/new',
      '/customers',
      `${customer}`,
      '/customers?q=tracking',
      '/waiting-on-us',
      '/going-quiet',
      '/requests',
      '/followups/rules',
      '/mailboxes',
      '/mailboxes/new?provider=other',
      '/reports',
      '/settings',
      '/settings/audit',
      '/templates',
      `${template}`,
      '/snippets/new',
      '/account',
      '/mentions',
    );
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('scrolls no page sideways, and axe finds nothing serious on any of them', async () => {
    expect(pages).toHaveLength(20);
    for (const path of pages) {
      await page.goto(`${app.url}${path}`);
      const widths = await page.evaluate(() => {
        const client = document.documentElement.clientWidth;
        // Named in the failure: the innermost elements reaching past the screen's edge.
        const past = Array.from(document.body.querySelectorAll('*')).filter(
          (el) => el.getBoundingClientRect().right > client && !Array.from(el.children).some((c) => c.getBoundingClientRect().right > client),
        );
        return { scroll: document.documentElement.scrollWidth, client, past: past.slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${el.className}#${el.id}`) };
      });
      expect(widths.scroll, `${path} is ${widths.scroll}px wide on a ${widths.client}px screen: ${widths.past.join(', ')}`).toBeLessThanOrEqual(widths.client);
      expect(await axeViolations(page), path).toEqual([]);
    }
    for (const [path, name] of [
      ['/', 'phone-queue'],
      [`/conversations/${conversationId}`, 'phone-conversation'],
      ['/settings', 'phone-settings'],
    ] as const) {
      await page.goto(`${app.url}${path}`);
      await screenshot(page, name);
    }
    expect(errors).toEqual([]);
  });

  it('shows lists as cards, each row a block with its column names', async () => {
    await page.goto(`${app.url}/customers`);
    const row = page.locator('#customers tbody tr').first();
    expect(await row.evaluate((el) => getComputedStyle(el).display)).toBe('block');
    expect(
      await row
        .locator('td')
        .first()
        .evaluate((el) => getComputedStyle(el, '::before').content),
    ).toBe('"Last in touch"');
  });

  it('keeps the navigation one row tall behind a menu button that opens and closes by mouse and keyboard', async () => {
    await page.goto(`${app.url}/`);
    const header = page.locator('header.top');
    const nav = page.getByRole('navigation', { name: 'Main' });
    const menu = page.getByRole('button', { name: 'Menu' });
    const oneRow = async () => {
      const [top, brand] = await Promise.all([header.boundingBox(), page.locator('.brand').boundingBox()]);
      return top!.height < brand!.height + 40;
    };
    expect(await oneRow()).toBe(true);
    expect(await nav.isVisible()).toBe(false);
    expect(await menu.getAttribute('aria-expanded')).toBe('false');

    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await nav.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { name: /^Customers/ }).waitFor();
    expect(await oneRow()).toBe(true);

    await menu.focus();
    await page.keyboard.press('Enter');
    expect(await nav.getByRole('link', { name: 'Queue' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Queue');
    await page.keyboard.press('Escape');
    expect(await nav.isVisible()).toBe(false);
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Menu');

    const wide = await browser.newPage({ viewport: { width: 1280, height: 900 }, storageState: await phone.storageState() });
    await wide.goto(`${app.url}/`);
    expect(await wide.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).isVisible()).toBe(true);
    expect(await wide.getByRole('button', { name: 'Menu' }).isVisible()).toBe(false);
    await wide.close();
    expect(errors).toEqual([]);
  });
});
