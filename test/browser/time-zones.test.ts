import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareReplyDraft } from '../../core/drafts/drafter.ts';
import { editDraft } from '../../core/drafts/drafts.ts';
import { noJobs } from '../../core/jobs.ts';
import { getUser } from '../../core/users/users.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { axeViolations, launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { deliver, US } from '../support/followups.ts';
import { offlineMailbox } from '../support/offline-mailbox.ts';

/**
 * Someone who works from Kolkata on a laptop still set to Berlin: the first sign-in takes Berlin from the
 * browser, they choose Kolkata on their account page, and from then on every time they see and type is Kolkata's.
 */
describe('a staff member’s time zone in the browser', () => {
  let app: TestApp;
  let browser: Browser;
  let conversationId = 0;

  beforeAll(async () => {
    app = await startTestApp({ workers: false });
    const mailbox = await offlineMailbox(app.rt.ctx);
    conversationId = (
      await deliver(app.rt.ctx, mailbox.id, {
        id: `tz-${Date.now()}@bakery.example`,
        from: 'Maria Lopez <maria@bakery.example>',
        to: US,
        subject: 'Sourdough tin sizes',
        at: '2026-11-20T06:45:00Z',
        body: 'Hello, which tin fits a 1 kg sourdough loaf? Maria',
      })
    ).conversationId;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('guesses the zone from the browser, lets the person choose theirs, and shows and reads every time in it', async () => {
    const priya = await app.addUser('approver', 'Priya Nair');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Europe/Berlin', bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, app.url, priya.email, priya.password);
    expect((await getUser(app.rt.ctx, priya.user.id))!.time_zone).toBe('Europe/Berlin');

    await page.goto(`${app.url}/account`);
    const zone = page.getByLabel(/^Your time zone/);
    expect(await zone.inputValue()).toBe('Europe/Berlin');
    await zone.fill('Asia/Kolkata');
    await page.getByRole('button', { name: 'Save', exact: true }).first().click();
    await page.getByRole('status').filter({ hasText: 'Your time zone is Asia/Kolkata' }).waitFor();
    expect(await page.locator('#now-there').textContent()).toMatch(/GMT\+5:30$/);
    // The browser is elsewhere: the page offers its zone, and does not impose it.
    expect(await page.getByRole('button', { name: "Use this browser's time zone, Europe/Berlin" }).isVisible()).toBe(true);
    await screenshot(page, 'account-time-zone');
    expect(await axeViolations(page)).toEqual([]);

    // 06:45 UTC is 12:15 in Kolkata.
    await page.goto(`${app.url}/conversations/${conversationId}`);
    expect(await page.locator('.message time').first().textContent()).toBe('2026-11-20 12:15 GMT+5:30');
    await page.getByLabel(/^Remind me at/).fill('2027-01-15T09:00');
    expect(await page.locator('label[for="snooze-until"]').textContent()).toBe('Remind me at (your time, Asia/Kolkata)');
    await page.getByRole('button', { name: 'Snooze until then' }).click();
    await page.getByRole('status').filter({ hasText: 'Snoozed until 2027-01-15 09:00 GMT+5:30' }).waitFor();
    const snoozed = await app.rt.ctx.db.selectFrom('conversations').select('snoozed_until').where('id', '=', conversationId).executeTakeFirstOrThrow();
    expect(snoozed.snoozed_until).toEqual(new Date('2027-01-15T03:30:00Z'));
    expect(await axeViolations(page)).toEqual([]);

    // Send later, typed on the same page: 18:00 in Kolkata, whatever the browser's clock says.
    await page.getByRole('button', { name: 'Back in the queue now' }).click();
    await page.getByRole('status').filter({ hasText: 'Back in the queue' }).waitFor();
    const outcome = await prepareReplyDraft({ ...app.rt.ctx, jobs: noJobs }, conversationId);
    if (!outcome.drafted) throw new Error(outcome.reason);
    await editDraft(app.rt.ctx, outcome.draftId, { body: 'Hi Maria,\n\nThe 1 kg loaf fits our 25 cm tin with room to rise.\n\nPriya' }, priya.user);
    await page.reload();
    await page.getByText('Send later').click();
    await page.getByLabel(/^Send at/).fill('2027-01-15T18:00');
    await page.getByRole('button', { name: 'Approve and send at this time' }).click();
    await expect.poll(() => page.locator('#scheduled').textContent()).toContain('2027-01-15 18:00 GMT+5:30');
    expect((await app.api('GET', `/api/drafts/${outcome.draftId}`)).body.sendAfter).toBe('2027-01-15T12:30:00.000Z');
    expect(errors).toEqual([]);
    await context.close();
  });
});
