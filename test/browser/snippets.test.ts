/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareReplyDraft } from '../../core/drafts/drafter.ts';
import { editDraft } from '../../core/drafts/drafts.ts';
import { noJobs } from '../../core/jobs.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { axeViolations, launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { deliver, US } from '../support/followups.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

const RETURNS = 'You can send anything back within 30 days of delivery for a full refund; we pay the return label.';
const SEASONING = 'Rub a thin layer of oil over the whole pan and bake it upside down at 230 degrees for an hour.';
const BEFORE = "Hi Maria,\n\nI'm sorry the lid is too small. As for sending it back:";
const AFTER = ' Just put it in the box it came in.\n\nSam\n';

/** The snippet picker in the reply editor, by keyboard and mouse, and the page where approvers keep snippets and templates. */
describe('snippets in the browser', () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let conversationId = 0;
  let draftId = 0;
  const errors: string[] = [];

  const reply = () => page.getByLabel('Reply', { exact: true });
  /** The reply as it is, with the cursor put at `offset` (as a click there would). */
  const startWith = async (body: string, offset: number) => {
    // Away from the editor first, so no autosave of the last test lands after this edit.
    await page.goto('about:blank');
    await expect
      .poll(async () => {
        const current = (await app.api('GET', `/api/drafts/${draftId}`)).body;
        return current.body === body || (await app.api('PATCH', `/api/drafts/${draftId}`, { body, baseVersion: current.version })).status === 200;
      })
      .toBe(true);
    await page.goto(`${app.url}/conversations/${conversationId}`);
    await reply().evaluate((el: HTMLTextAreaElement, at) => {
      el.focus();
      el.setSelectionRange(at, at);
    }, offset);
  };
  const snippetFinding = () => page.locator('#touch .finding-snippet-text');

  beforeAll(async () => {
    app = await startTestApp({ workers: false });
    const mailbox = await offlineMailbox(app.rt.ctx);
    const asked = await deliver(app.rt.ctx, mailbox.id, {
      id: `snippets-${Date.now()}@bakery.example`,
      from: 'Maria Lopez <maria@bakery.example>',
      to: US,
      subject: 'The lid is too small',
      at: new Date(Date.now() - 3_600_000).toISOString(),
      body: 'Hello,\n\nthe lid I got is too small for my pan. Can I send it back?\n\nMaria',
    });
    conversationId = asked.conversationId;
    const outcome = await prepareReplyDraft({ ...app.rt.ctx, jobs: noJobs }, conversationId);
    if (!outcome.drafted) throw new Error(`no draft: ${outcome.reason}`);
    draftId = outcome.draftId;
    const sam = await app.addUser('approver', 'Sam Reyes');
    await editDraft(app.rt.ctx, draftId, { body: `${BEFORE}${AFTER}` }, sam.user);
    for (const s of [
      { name: 'Return policy', shortcut: 'returns', keywords: ['refund'], body: RETURNS },
      { name: 'Retail partners', body: 'A few kitchen shops sell our pans too.' },
      { name: 'Seasoning a pan', shortcut: 'season', body: SEASONING },
      {
        name: 'Replacement on its way',
        body: 'A new lid goes out today, {{customer.firstName}}. {{#personal "which size fits their pan"}}{{/personal}} It should be with you by Friday.',
      },
    ]) {
      expect((await app.api('POST', '/api/snippets', s, sam.token)).status).toBe(201);
    }

    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, app.url, sam.email, sam.password);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('inserts a snippet typed as #ret at the cursor, chosen by keyboard, and the touch check marks it as not the writer’s own', async () => {
    await startWith(`${BEFORE}${AFTER}`, BEFORE.length);
    await page.keyboard.type(' #ret');
    const listbox = page.getByRole('listbox', { name: 'Snippets' });
    await listbox.waitFor();
    const options = listbox.getByRole('option');
    await expect.poll(() => options.allTextContents()).toEqual([expect.stringMatching(/^Return policy #returns/), expect.stringMatching(/^Retail partners/)]);
    // The reply keeps the focus and points at the chosen option, as a combobox does.
    expect(await reply().getAttribute('aria-activedescendant')).toBe(await options.first().getAttribute('id'));
    expect(await options.first().getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowDown');
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
    expect(await options.first().getAttribute('aria-selected')).toBe('false');
    await page.keyboard.press('ArrowUp');
    expect(await options.first().getAttribute('aria-selected')).toBe('true');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'snippet-picker');

    await page.keyboard.press('Enter');
    const expected = `${BEFORE} ${RETURNS}${AFTER}`;
    await expect.poll(() => reply().inputValue()).toBe(expected);
    expect(await listbox.isVisible()).toBe(false);
    // The cursor stays where the text went in: typing goes on after it.
    expect(await reply().evaluate((el: HTMLTextAreaElement) => el.selectionStart)).toBe(`${BEFORE} ${RETURNS}`.length);

    await expect.poll(() => snippetFinding().textContent()).toContain('From the snippet "Return policy": the team\'s words, not your own.');
    expect(await page.locator('.highlights mark.hl-snippet-text').textContent()).toBe(RETURNS.replace(/\.$/, ''));
    // Saved as any edit is.
    await expect.poll(async () => (await app.api('GET', `/api/drafts/${draftId}`)).body.body).toBe(expected);

    // The browser's own undo takes the snippet out again.
    await page.keyboard.press('Control+z');
    await expect.poll(() => reply().inputValue()).toBe(`${BEFORE} #ret${AFTER}`);
    expect(errors).toEqual([]);
  });

  it('leaves a # that finds nothing, or is closed with Escape, as typed', async () => {
    await startWith(`${BEFORE}${AFTER}`, BEFORE.length);
    await page.keyboard.type(' order #1042');
    await expect.poll(() => reply().inputValue()).toBe(`${BEFORE} order #1042${AFTER}`);
    expect(await page.getByRole('listbox', { name: 'Snippets' }).isVisible()).toBe(false);

    await page.keyboard.type(' #');
    await page.getByRole('listbox', { name: 'Snippets' }).waitFor();
    // With only `#` typed nothing is chosen yet, so Escape closes the list and the reply keeps the focus.
    await page.keyboard.press('Escape');
    expect(await page.getByRole('listbox', { name: 'Snippets' }).isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('body-input');
    await page.keyboard.type('1');
    expect(await page.getByRole('listbox', { name: 'Snippets' }).isVisible()).toBe(false);
    expect(await reply().inputValue()).toBe(`${BEFORE} order #1042 #1${AFTER}`);
  });

  it('opens the same picker with Ctrl+K, with a search field of its own, and inserts at the cursor', async () => {
    const at = BEFORE.indexOf(' As for');
    await startWith(`${BEFORE}${AFTER}`, at);
    await page.keyboard.press('Control+k');
    const search = page.getByRole('combobox', { name: 'Insert a snippet' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('snippet-search');
    expect(await search.getAttribute('aria-expanded')).toBe('true');
    await search.pressSequentially('pan');
    const options = page.getByRole('listbox', { name: 'Snippets' }).getByRole('option');
    await expect.poll(() => options.allTextContents()).toEqual([expect.stringMatching(/^Seasoning a pan/), expect.stringMatching(/^Retail partners/)]);
    expect(await search.getAttribute('aria-activedescendant')).toBe(await options.first().getAttribute('id'));
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Enter');
    const expected = `${BEFORE.slice(0, at)} ${SEASONING}${BEFORE.slice(at)}${AFTER}`;
    await expect.poll(() => reply().inputValue()).toBe(expected);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('body-input');
    await expect.poll(() => snippetFinding().textContent()).toContain('From the snippet "Seasoning a pan"');

    // Escape closes it with nothing inserted, back in the reply where the cursor was.
    await page.keyboard.press('Control+k');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('snippet-search');
    await page.keyboard.press('Escape');
    expect(await search.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('body-input');
    expect(await reply().inputValue()).toBe(expected);
  });

  it("fills the conversation's variables and selects a snippet's part to write, ready to type over", async () => {
    await startWith(`${BEFORE}${AFTER}`, BEFORE.length);
    await page.keyboard.type(' #replac');
    await page.getByRole('option', { name: /Replacement on its way/ }).waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => reply().inputValue()).toContain('[[which size fits their pan]]');
    await page.keyboard.type('The 24 cm lid fits the pan you have.');
    await expect.poll(() => reply().inputValue()).toBe(`${BEFORE} A new lid goes out today, Maria. The 24 cm lid fits the pan you have. It should be with you by Friday.${AFTER}`);
    await expect.poll(() => page.locator('#touch .slots').count()).toBe(0);
  });

  it('works with the mouse too', async () => {
    await startWith(`${BEFORE}${AFTER}`, BEFORE.length);
    await page.getByRole('button', { name: /Insert a snippet/ }).click();
    await page.getByRole('option', { name: /Return policy/ }).click();
    await expect.poll(() => reply().inputValue()).toBe(`${BEFORE} ${RETURNS}${AFTER}`);
    expect(errors).toEqual([]);
  });

  it('lets an approver create and edit a snippet from the Templates & snippets page in the navigation', async () => {
    await page.goto(`${app.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates & snippets' }).click();
    await page.getByRole('heading', { name: 'Templates & snippets' }).waitFor();
    expect(await page.getByRole('link', { name: 'complaint' }).count()).toBe(4);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'New snippet' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Lid sizes');
    await page.getByLabel(/^Shortcut/).fill('lids');
    await page.getByLabel(/^Keywords/).fill('lid, size');
    const body = page.getByLabel(/^Text/);
    await body.fill('Hi {{customer.firstName}}, our lids come in 20, 24 and 28 cm. {{#personal "which one fits their pan"}}{{/personal}}');
    await expect.poll(() => page.locator('#template-live').textContent()).toBe('Hi Maria, our lids come in 20, 24 and 28 cm. [[which one fits their pan]]');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toBe('"Lid sizes" is saved. Type #lids in a reply to insert it.');
    const row = page.getByRole('row', { name: /Lid sizes/ });
    expect(await row.textContent()).toContain('#lids');

    await row.getByRole('link', { name: 'Lid sizes' }).click();
    await page.getByLabel(/^Text/).fill('Our lids come in 20, 24 and 28 cm; the size is stamped on the handle.');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('row', { name: /Lid sizes/ }).textContent()).toContain('stamped on the handle');
    await screenshot(page, 'templates-and-snippets');

    const [lids] = (await app.api('GET', '/api/snippets?q=lids')).body;
    expect(lids).toMatchObject({ name: 'Lid sizes', shortcut: 'lids', keywords: ['lid', 'size'], body: 'Our lids come in 20, 24 and 28 cm; the size is stamped on the handle.' });
    expect(errors).toEqual([]);
  });
});
