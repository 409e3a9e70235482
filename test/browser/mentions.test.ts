import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../core/users/users.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { axeViolations, launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { deliver, US } from '../support/followups.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

const PASSWORD = 'a long enough password';

/** Dana mentions Sam in a team note, picking him from the @ list by keyboard; Sam's count goes up live, he reads it, it goes down. */
describe('mentions in the browser', () => {
  let app: TestApp;
  let browser: Browser;
  let conversationId = 0;

  beforeAll(async () => {
    app = await startTestApp({ workers: false });
    const mailbox = await offlineMailbox(app.rt.ctx);
    for (const [name, email] of [
      ['Dana Brooks', 'dana@fernhill.example'],
      ['Sam Reyes', 'sam@fernhill.example'],
      ['Sam Whitfield', 'sam.w@fernhill.example'],
    ] as const) {
      await createUser(app.rt.ctx, { name, email, role: 'approver', password: PASSWORD });
    }
    conversationId = (
      await deliver(app.rt.ctx, mailbox.id, {
        id: `mention-${Date.now()}@bakery.example`,
        from: 'Maria Lopez <maria@bakery.example>',
        to: US,
        subject: 'Lid for the 24 cm casserole',
        at: new Date(Date.now() - 3_600_000).toISOString(),
        body: 'Hello, do you sell the lid of the 24 cm casserole on its own? Mine cracked. Maria',
      })
    ).conversationId;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('mentions a colleague picked by keyboard; they see the count live, open the Mentions view, and the count drops', async () => {
    const errors: string[] = [];
    const open = async (email: string) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'America/New_York', bypassCSP: true });
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(e.message));
      await signIn(page, app.url, email, PASSWORD);
      return { context, page };
    };
    const sam = await open('sam@fernhill.example');
    const samCount = sam.page.locator('#mention-count');
    expect(await samCount.isHidden()).toBe(true);

    const dana = await open('dana@fernhill.example');
    await dana.page.goto(`${app.url}/conversations/${conversationId}`);
    const box = dana.page.getByLabel(/^Add a note/);
    await box.click();
    await dana.page.keyboard.type('The lid is out of stock until March. @sa');
    const list = dana.page.getByRole('listbox', { name: 'Colleagues to mention' });
    await list.waitFor();
    expect(await list.getByRole('option').allTextContents()).toEqual(['Sam Reyes @sam', 'Sam Whitfield @sam.w']);
    expect(await axeViolations(dana.page)).toEqual([]);
    await dana.page.keyboard.press('ArrowDown');
    expect(await list.getByRole('option', { selected: true }).textContent()).toBe('Sam Whitfield @sam.w');
    expect(await box.getAttribute('aria-activedescendant')).toBe(await list.getByRole('option', { selected: true }).getAttribute('id'));
    await screenshot(dana.page, 'mention-autocomplete');
    await dana.page.keyboard.press('ArrowUp');
    await dana.page.keyboard.press('Enter');
    expect(await list.isHidden()).toBe(true);
    await dana.page.keyboard.type('can you tell her when it is back? @wh');
    expect(await list.getByRole('option').allTextContents()).toEqual(['Sam Whitfield @sam.w']);
    // Escape closes the list, leaves the text as typed and the caret where it was.
    await dana.page.keyboard.press('Escape');
    expect(await list.isHidden()).toBe(true);
    expect(await box.inputValue()).toBe('The lid is out of stock until March. @sam can you tell her when it is back? @wh');
    expect(await dana.page.evaluate(() => document.activeElement?.id)).toBe('note-body');
    for (let i = 0; i < 4; i++) await dana.page.keyboard.press('Backspace');
    await dana.page.getByRole('button', { name: 'Add note' }).click();
    await dana.page.getByRole('status').filter({ hasText: 'Note added; Sam Reyes will see it under Mentions.' }).waitFor();
    expect(await dana.page.locator('#notes .mention').textContent()).toBe('@sam');
    expect(await dana.page.locator('#notes li > p').textContent()).toBe('The lid is out of stock until March. @sam can you tell her when it is back?');

    // Sam's queue page was open all along: the count arrives without a reload.
    await samCount.getByText('1').waitFor();
    expect(await samCount.textContent()).toBe(' 1 unread');
    await sam.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Mentions/ })
      .click();
    const item = sam.page.locator('.mention-item.unread');
    expect(await item.locator('.mention').textContent()).toBe('@sam');
    expect(await item.textContent()).toContain('Dana Brooks');
    expect(await item.locator('.subject').textContent()).toBe('Lid for the 24 cm casserole');
    expect(await axeViolations(sam.page)).toEqual([]);
    await screenshot(sam.page, 'mentions');

    await item.locator('.subject').click();
    await sam.page.locator(`#notes .mention`).waitFor();
    expect(sam.page.url()).toMatch(/#note-\d+$/);
    expect(await samCount.isHidden()).toBe(true);
    await sam.page.goBack();
    await sam.page.reload();
    expect(await sam.page.locator('#mentions-unread').textContent()).toBe('All read');
    expect(await sam.page.locator('.mention-item.unread').count()).toBe(0);

    expect(errors).toEqual([]);
    await dana.context.close();
    await sam.context.close();
  });
});
