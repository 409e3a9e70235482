import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser.ts';
import { startLonghand } from '../support/longhand-process.ts';
import { deleteRedisPrefix } from '../support/redis-keys.ts';
import { uniqueName } from '../support/servers.ts';

/** A newcomer's first minute: `longhand start --demo`, create the owner, answer a customer, see the mail go out. */
describe('the demo', () => {
  let dataDir: string;
  let prefix: string;
  let longhand: Awaited<ReturnType<typeof startLonghand>>;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-demo-'));
    prefix = uniqueName('demo');
    longhand = await startLonghand(['start', '--demo'], {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LONGHAND_DATA_DIR: dataDir,
      LONGHAND_QUEUE_PREFIX: prefix,
      LONGHAND_UNDO_SECONDS: '0',
      LONGHAND_LOG_LEVEL: 'warn',
      PORT: '0',
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await longhand?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    await deleteRedisPrefix(`${prefix}-demo`);
  });

  it('says in the terminal how to begin, then runs the whole loop in the browser without a mail account', async () => {
    expect(longhand.output()).toContain(`Open ${longhand.url}/setup to create your owner account.`);
    // Its data is its own: a real install on the same data folder never sees the sample customers.
    expect(longhand.output()).toContain(`The demo keeps its data apart, in ${path.join(dataDir, 'demo')}`);
    expect(fs.existsSync(path.join(dataDir, 'demo', 'pglite'))).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'pglite'))).toBe(false);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(longhand.url);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/setup');
    await screenshot(page, 'setup');
    await page.getByLabel(/Your name/).fill('Alex Morgan');
    await page.getByLabel('Email').fill('alex@fernhill.example');
    await page.getByLabel(/Password/).fill('a long enough password');
    await page.getByRole('button', { name: 'Create the owner account' }).click();

    // The drafts arrive from the queue workers shortly after start.
    const items = page.locator('#queue .queue-item');
    await expect
      .poll(
        async () => {
          await page.reload();
          return items.count();
        },
        { timeout: 20_000 },
      )
      .toBeGreaterThanOrEqual(3);
    // Complaints come first.
    await expect.poll(() => items.first().locator('.tag-complaint').count()).toBe(1);
    await screenshot(page, 'queue-demo');

    await items.first().locator('a').click();
    const subject = await page.getByRole('heading', { level: 1 }).textContent();
    await page
      .getByLabel('Reply', { exact: true })
      .fill(
        'Hello again,\n\nYou are right to be annoyed: the parcel sat in our warehouse for four days because of a labelling mistake on our side. It left this morning with express tracking, and I have refunded the shipping.\n\nAlex',
      );
    await page.getByRole('button', { name: 'Approve and send' }).click();
    await expect.poll(() => page.locator('.flash').textContent()).toMatch(/Approved/);

    await page.getByRole('link', { name: 'Demo outbox' }).click();
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.locator('article.message').count();
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    const mail = page.locator('article.message').first();
    expect(await mail.textContent()).toContain(`Re: ${subject!.trim()}`);
    expect(await mail.textContent()).toContain('labelling mistake on our side');
    await screenshot(page, 'demo-outbox');
    await page.close();
  });
});
