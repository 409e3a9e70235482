/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithDraft, type TestApp } from '../support/app.ts';
import { launchBrowser, screenshot, signIn } from '../support/browser.ts';

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
});
