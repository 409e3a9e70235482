/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { expectAccessible, launchBrowser, screenshot } from '../support/browser.ts';
import { SmtpSink, type TestMailbox, testMailbox } from '../support/servers.ts';

const US = 'help@juniper-tea.example';

function customerMail(i: number, subject: string, body: string, from = `Customer ${i} <customer${i}@leaf${i}.example>`): string {
  return `From: ${from}\r\nTo: Juniper Tea <${US}>\r\nSubject: ${subject}\r\nDate: ${new Date(Date.now() - (10 - i) * 3_600_000).toUTCString()}\r\nMessage-ID: <ws-${i}-${Date.now()}@leaf${i}.example>\r\n\r\n${body}\r\n`;
}

describe('the staff workspace in the browser', () => {
  let app: TestApp;
  let sink: SmtpSink;
  let box: TestMailbox;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    sink = await SmtpSink.start();
    box = testMailbox('workspace');
    await box.append([
      customerMail(1, 'Loose-leaf order never arrived', 'My order of loose-leaf Darjeeling never arrived and nobody answers. This is really frustrating.'),
      customerMail(2, 'Caffeine in the rooibos?', 'Is your rooibos blend completely caffeine free? I am pregnant and want to be careful.'),
      customerMail(3, 'Wholesale prices', 'We run a small cafe in Leeds. Do you offer wholesale prices for 5 kg bags?'),
    ]);
    app = await startTestApp({ firstRun: true, env: { LONGHAND_UNDO_SECONDS: '8', LONGHAND_HISTORY_DAYS: '14' } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sink?.close();
  });

  it('creates the owner on the first run, then adds the mailbox with a connection test that says what failed', async () => {
    await page.goto(app.url);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/setup');
    await page.getByLabel(/Your name/).fill('Iris Juniper');
    await page.getByLabel('Email').fill('iris@juniper-tea.example');
    await page.getByLabel(/Password/).fill('a long enough password');
    await page.getByRole('button', { name: 'Create the owner account' }).click();
    await page.getByRole('link', { name: 'Mailboxes' }).click();
    await page.getByRole('link', { name: 'Add a mailbox' }).click();
    await page.getByRole('radio', { name: /Other \(IMAP\/SMTP\)/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByLabel('Address replies come from').fill(US);
    await page.getByLabel(/Name customers see/).fill('Juniper Tea');
    const imap = page.getByRole('group', { name: 'Reading (IMAP)' });
    await imap.getByLabel('Server', { exact: true }).fill('127.0.0.1');
    await imap.getByLabel('Port', { exact: true }).fill(String(box.port));
    await imap.getByLabel('Security', { exact: true }).selectOption('plain');
    await imap.getByLabel(/^User name/).fill(box.user);
    await imap.getByLabel('Password', { exact: true }).fill('not the password');
    const smtp = page.getByRole('group', { name: 'Sending (SMTP)' });
    await smtp.getByLabel('Server', { exact: true }).fill('127.0.0.1');
    await smtp.getByLabel('Port', { exact: true }).fill(String(sink.port));
    await smtp.getByLabel('Security', { exact: true }).selectOption('plain');
    await page.getByRole('button', { name: 'Test connection' }).click();
    const report = page.locator('.connection-report');
    await expect.poll(() => report.textContent()).toContain('The server refused the login for');
    expect(await report.textContent()).toContain('Authentication failed');
    expect(await page.content()).not.toContain('not the password');
    await screenshot(page, 'mailbox-test');
    // Saving it as it is would retry a wrong password for hours: it is refused, with the test's answer.
    await page.getByRole('group', { name: 'Reading (IMAP)' }).getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Save and start syncing' }).click();
    await expect.poll(() => page.locator('.flash-error').textContent()).toContain('Not saved: the connection test failed');
    expect(await page.locator('.connection-report').textContent()).toContain('Authentication failed');
    expect(await page.getByLabel(/Save even though the test failed/).isVisible()).toBe(true);
    expect(await app.rt.ctx.db.selectFrom('mailboxes').select('id').where('email', '=', US).executeTakeFirst()).toBeUndefined();

    await page.getByRole('group', { name: 'Reading (IMAP)' }).getByLabel('Password', { exact: true }).fill(box.password);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => page.locator('.connection-report h2').textContent()).toBe('Both servers work');
    await page.getByRole('group', { name: 'Reading (IMAP)' }).getByLabel('Password', { exact: true }).fill(box.password);
    await page.getByRole('button', { name: 'Save and start syncing' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toContain('is saved');
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.getByRole('progressbar', { name: /INBOX: 3 of 3 stored/ }).count();
        },
        { timeout: 15_000 },
      )
      .toBe(1);
  });

  it('goes through the queue by keyboard, complaints first', async () => {
    await page.goto(app.url);
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.locator('#queue .queue-item').count();
        },
        { timeout: 15_000 },
      )
      .toBe(3);
    expect(await page.locator('#queue .queue-item').first().textContent()).toContain('Loose-leaf order never arrived');
    await screenshot(page, 'queue');
    for (const key of ['j', 'j', 'j', 'k']) await page.keyboard.press(key);
    expect(await page.locator('.queue-item.selected .subject').textContent()).toBe('Caffeine in the rooibos?');
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keys' }).waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Caffeine in the rooibos?' }).waitFor();
  });

  it('underlines what reads canned as the person types, until the touch check is happy', async () => {
    await page.keyboard.press('e');
    const editor = page.getByLabel('Reply', { exact: true });
    expect(await editor.evaluate((el) => el === document.activeElement)).toBe(true);
    await editor.fill('Dear valued customer,\n\nWe apologize for any inconvenience.');
    await expect.poll(() => page.locator('.highlights mark.hl-canned-phrase').count()).toBe(2);
    expect(await page.locator('#touch .findings').textContent()).toContain('canned');
    await editor.fill(
      'Hi Customer 2,\n\nYes: our rooibos is naturally free of caffeine, nothing is added or blended in, so it is a safe choice while you are pregnant. Congratulations!\n\nIris',
    );
    await expect.poll(() => page.locator('#touch .findings li').count()).toBe(0);
    expect(Number(await page.locator('#touch-summary strong').textContent())).toBeGreaterThanOrEqual(80);
    await expect.poll(() => page.locator('#autosave').textContent()).toContain('Saved');
    await screenshot(page, 'conversation');
  });

  it('approves with a key, and undoes within the window', async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('a');
    await expect.poll(() => page.locator('.flash').textContent()).toContain('goes out in');
    await page.getByRole('button', { name: /Undo/ }).waitFor();
    await page.keyboard.press('u');
    await expect.poll(() => page.locator('.flash').textContent()).toContain('Undone');
    expect(await page.getByLabel('Reply', { exact: true }).inputValue()).toContain('naturally free of caffeine');
    // Undone in the database: no worker sends a cancelled row, whenever its job fires.
    const outbox = await app.rt.ctx.db.selectFrom('outbox').select('state').execute();
    expect(outbox.map((o) => o.state)).toEqual(['cancelled']);
    expect(sink.received).toHaveLength(0);
  });

  it('tells the person a new message arrived while they type, and keeps what they typed', async () => {
    const editor = page.getByLabel('Reply', { exact: true });
    await editor.click();
    await editor.press('End');
    await editor.pressSequentially(' PS: I typed this');
    await box.append(
      `From: Customer 2 <customer2@leaf2.example>\r\nTo: ${US}\r\nSubject: Re: Caffeine in the rooibos?\r\nIn-Reply-To: <x@x>\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <ws-again-${Date.now()}@leaf2.example>\r\nReferences: ${(await app.rt.ctx.db.selectFrom('messages').select('message_id').where('subject', '=', 'Caffeine in the rooibos?').executeTakeFirstOrThrow()).message_id.replace(/^(.*)$/, '<$1>')}\r\n\r\nAlso, is the chai blend caffeine free too?\r\n`,
    );
    await page.locator('#changed-notice').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await editor.inputValue()).toContain('PS: I typed this');
    expect(await editor.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('updates the queue live when a draft arrives', async () => {
    await page.goto(app.url);
    const before = await page.locator('#queue .queue-item').count();
    await box.append(customerMail(4, 'Gift boxes for Christmas?', 'Do you make gift boxes with three teas for Christmas?'));
    await expect.poll(() => page.locator('#queue .queue-item').count(), { timeout: 15_000 }).toBe(before + 1);
    expect(await page.locator('#queue').textContent()).toContain('Gift boxes for Christmas?');
  });

  it('shows the report with its charts drawn by the server', async () => {
    await page.getByRole('link', { name: 'Report' }).click();
    await page.getByRole('heading', { name: 'How it is going' }).waitFor();
    expect(await page.locator('svg.chart').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByRole('img', { name: /How long customers waited for a first answer/ }).count()).toBe(1);
    await screenshot(page, 'report');
  });

  it('has no serious accessibility problems on its pages, and works at phone width', async () => {
    const context = await browser.newContext({ bypassCSP: true, storageState: await page.context().storageState() });
    const conversation = await app.rt.ctx.db.selectFrom('conversations').select('id').orderBy('id').executeTakeFirstOrThrow();
    for (const path of [
      '/',
      '/?filter=complaints',
      `/conversations/${conversation.id}`,
      '/mailboxes',
      '/mailboxes/new',
      '/mailboxes/new?provider=google',
      '/mailboxes/new?provider=other',
      '/reports',
    ])
      await expectAccessible(context, `${app.url}${path}`);
    await context.close();
    const anonymous = await browser.newContext({ bypassCSP: true });
    await expectAccessible(anonymous, `${app.url}/signin`);
    await anonymous.close();

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await page.context().storageState() });
    const small = await phone.newPage();
    // The phone screenshots are phone.test.ts's, which has the long content that tests the layout.
    for (const path of ['/', `/conversations/${conversation.id}`]) {
      await small.goto(`${app.url}${path}`);
      expect(await small.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), path).toBe(true);
    }
    await phone.close();
    expect(errors).toEqual([]);
  });
});
