/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithDraft, type TestApp } from '../support/app.ts';
import { axeViolations, launchBrowser, screenshot, signIn } from '../support/browser.ts';

const US = 'support@fernhill.example';

describe('settings for owners', () => {
  let app: TestApp;
  let started: Awaited<ReturnType<typeof startWithDraft>>;
  let browser: Browser;

  beforeAll(async () => {
    started = await startWithDraft(
      'settings',
      `From: Ada Byron <ada@analytical.example>\r\nTo: ${US}\r\nSubject: Knife for a left-hander?\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <settings-1@analytical.example>\r\n\r\nIs the santoku fine for a left-handed cook?\r\n`,
      { LONGHAND_FROM: US },
    );
    app = started.app;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await started?.close();
  });

  it('adds a person, changes their role, and keeps the queue dashboard for owners', async () => {
    const owner = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const dana = await app.rt.ctx.db.selectFrom('users').select('email').where('role', '=', 'owner').executeTakeFirstOrThrow();
    await signIn(owner, app.url, dana.email, 'correct horse battery');
    await owner.getByRole('link', { name: 'Settings' }).click();
    await owner.getByLabel(/^Name/).fill('Sam Reyes');
    await owner.getByLabel('Email', { exact: true }).fill('sam@fernhill.example');
    await owner.getByLabel(/^Password/).fill('sams own password');
    await owner.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => owner.locator('.flash').textContent()).toContain('Sam Reyes can sign in as agent');
    await screenshot(owner, 'settings');

    const agent = await (await browser.newContext()).newPage();
    await signIn(agent, app.url, 'sam@fernhill.example', 'sams own password');
    expect(await agent.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    expect((await agent.goto(`${app.url}/settings`))!.status()).toBe(403);
    expect((await agent.goto(`${app.url}/admin/queues`))!.status()).toBe(403);
    const board = await owner.goto(`${app.url}/admin/queues`);
    expect(board!.status()).toBe(200);

    // Promoted, Sam signs in again (a role change ends his sessions) and may edit templates.
    await owner.goto(`${app.url}/settings`);
    const row = owner.getByRole('row', { name: /Sam Reyes/ });
    await row.getByLabel('Role').selectOption('approver');
    await row.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => owner.locator('.flash').textContent()).toContain('Sam Reyes is saved');
    await agent.goto(app.url);
    await expect.poll(() => new URL(agent.url()).pathname).toBe('/signin');
    await agent.close();
  });

  it('edits a template with a live preview against a real conversation', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, app.url, 'sam@fernhill.example', 'sams own password');
    await page.goto(`${app.url}/settings/templates/replies/first-reply`);
    const body = page.getByLabel(/^Template/);
    await body.fill('Hi {{customer.firstName}}, you asked: "{{short message.text 60}}". {{#personal "the answer"}}{{/personal}}');
    await expect.poll(() => page.locator('#template-live').textContent()).toBe('Hi Ada, you asked: "Is the santoku fine for a left-handed cook?". [[the answer]]\n');
    await body.fill('Hi {{#if customer.firstName}}{{customer.firstName}}');
    await expect.poll(() => page.locator('#template-live').textContent()).toMatch(/Template replies\/first-reply line \d+/);
    await body.fill('Hi {{customer.firstName}}, {{#personal "the answer"}}{{/personal}}');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('is saved');
    await screenshot(page, 'template-editor');
    expect((await app.api('GET', '/api/templates')).body.find((t: { name: string }) => t.name === 'replies/first-reply').overridden).toBe(true);
  });

  it("turns a canned family off and sets the default language, and the picker offers every language's templates", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    const owner = await app.rt.ctx.db.selectFrom('users').select('email').where('role', '=', 'owner').executeTakeFirstOrThrow();
    await signIn(page, app.url, owner.email, 'correct horse battery');
    const stockClosing = async () =>
      (await app.api('POST', '/api/touch-check', { text: 'Hi Ada,\n\nthe santoku suits a left hand. Have a wonderful weekend!' })).body.findings.map(
        (f: { kind: string }) => f.kind,
      );
    expect(await stockClosing()).toContain('canned-phrase');

    await page.goto(`${app.url}/settings`);
    await page.getByLabel('Default language').selectOption({ label: 'German' });
    await page.locator('form[action="/settings/team"]').getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('The team settings are saved');
    expect((await app.api('GET', '/api/settings')).body.defaultLanguage).toBe('de');

    const closing = page.getByRole('checkbox', { name: 'stock closing' });
    expect(await closing.isChecked()).toBe(true);
    await closing.uncheck();
    await page.getByRole('button', { name: 'Save the families' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('12 of 13 canned families are checked; 1 turned off.');
    expect(await page.getByRole('checkbox', { name: 'stock closing' }).isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: 'stock opener' }).isChecked()).toBe(true);
    expect(await stockClosing()).toEqual([]);
    expect(await page.locator('#family-inconvenience-examples').textContent()).toContain('Wir entschuldigen uns für die Unannehmlichkeiten.');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'settings-families');

    const conversation = await app.rt.ctx.db.selectFrom('conversations').select('id').executeTakeFirstOrThrow();
    await page.goto(`${app.url}/conversations/${conversation.id}`);
    const groups = await page.locator('#template optgroup').evaluateAll((els) => els.map((el) => (el as HTMLOptGroupElement).label));
    expect(groups).toEqual(['English (their language)', 'French', 'German', 'Spanish']);
    await page.getByLabel('Start from').selectOption({ value: 'replies/de/first-reply' });
    await page.getByRole('button', { name: 'Use this template' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Started again from the German first reply template');
    const draft = await app.rt.ctx.db.selectFrom('drafts').select(['body', 'template_name']).where('conversation_id', '=', conversation.id).executeTakeFirstOrThrow();
    expect(draft.template_name).toBe('replies/de/first-reply');
    expect(draft.body.startsWith('Hallo Ada,')).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
