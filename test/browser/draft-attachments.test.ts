import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithDraft, type TestApp } from '../support/app.ts';
import { axeViolations, launchBrowser, screenshot, signIn } from '../support/browser.ts';
import { composeWithAttachment } from '../support/compose.ts';

const FROM = 'support@fernhill.example';
const INVOICE = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(20_000), Buffer.from('\n%%EOF\n')]);
const GUIDE = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(120_000), Buffer.from('\n%%EOF\n')]);
const NOTE = 'Oil the pan lightly after washing.\nNo dishwasher, please.\n';

const customerMail = () =>
  composeWithAttachment({
    id: 'warped@pryce.example',
    from: 'Gareth Pryce <gareth@pryce.example>',
    subject: 'Warped frying pan',
    date: new Date().toUTCString(),
    body: 'Hello, my frying pan warped after a week on the gas hob. Invoice attached. Can I get a replacement? Gareth',
    attachment: { name: 'invoice-4411.pdf', type: 'application/pdf', content: INVOICE },
  });

describe('attachments on a reply in the browser', () => {
  let app: TestApp;
  let started: Awaited<ReturnType<typeof startWithDraft>>;
  let browser: Browser;

  beforeAll(async () => {
    started = await startWithDraft('attachui', customerMail(), { LONGHAND_FROM: FROM, LONGHAND_REPLY_ATTACHMENTS_MB: '1' });
    app = started.app;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await started?.close();
  });

  it('attaches by the file button and by dropping, refuses what is over the limit, sends their invoice back, and the mail carries the bytes', async () => {
    const staff = await app.addUser('approver', 'Sam Reyes');
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, bypassCSP: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, app.url, staff.email, staff.password);
    const [draft] = (await app.api('GET', '/api/drafts?status=pending')).body;
    await page.goto(`${app.url}/conversations/${draft.conversationId}`);
    const reply = page.getByLabel('Reply', { exact: true });
    await reply.fill('Hi Gareth,\n\nSorry about the pan: a new one goes out today. The care guide is attached, and your invoice for your records.\n\nSam');
    const files = page.locator('#attachment-list');
    const status = page.locator('#attach-status');
    expect(await files.textContent()).toContain('No files attached.');

    // The file button opens the chooser; the chosen file is listed with its size and type.
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Attach files…' }).click()]);
    expect(chooser.isMultiple()).toBe(true);
    await chooser.setFiles({ name: 'pan-care-guide.pdf', mimeType: 'application/pdf', buffer: GUIDE });
    await expect.poll(() => status.textContent()).toBe('Attached "pan-care-guide.pdf".');
    expect(await files.getByRole('listitem').first().textContent()).toMatch(/pan-care-guide\.pdf\s+117 KB, application\/pdf/);

    // Dropped on the reply.
    const dataTransfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'notes.txt', { type: 'text/plain' }));
      return dt;
    }, NOTE);
    await reply.dispatchEvent('dragenter', { dataTransfer });
    expect(await page.locator('#draft-form').getAttribute('class')).toContain('dropping');
    await reply.dispatchEvent('drop', { dataTransfer });
    await expect.poll(() => status.textContent()).toBe('Attached "notes.txt".');
    expect(await page.locator('#draft-form').getAttribute('class')).not.toContain('dropping');

    // Over the limit: refused with the reason, nothing listed.
    const [again] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Attach files…' }).click()]);
    await again.setFiles({ name: 'video.mp4', mimeType: 'video/mp4', buffer: randomBytes(1_200_000) });
    await expect
      .poll(() => status.textContent())
      .toBe('"video.mp4" is too large: a reply\'s attachments may add up to 1 MB, and 907 KB of that is left. Share a link to it instead.');
    expect(await files.textContent()).not.toContain('video.mp4');

    // Their own invoice, sent back from their message: no upload.
    await page.getByRole('button', { name: 'Attach to reply: invoice-4411.pdf' }).click();
    await expect.poll(() => status.textContent()).toBe('Attached "invoice-4411.pdf" to your reply.');
    expect(await files.textContent()).toContain('theirs, sent back');

    await page.getByRole('button', { name: 'Remove notes.txt' }).click();
    await expect.poll(() => status.textContent()).toBe('Removed "notes.txt".');
    expect(await files.getByRole('listitem').allTextContents()).toEqual([expect.stringContaining('pan-care-guide.pdf'), expect.stringContaining('invoice-4411.pdf')]);
    await expect.poll(() => page.locator('#autosave').textContent()).toMatch(/Saved at/);

    // Still there after a reload, with what was typed.
    await page.reload();
    expect(await page.locator('#attachment-list .file a').allTextContents()).toEqual(['pan-care-guide.pdf', 'invoice-4411.pdf']);
    expect(await reply.inputValue()).toContain('The care guide is attached');
    await page.locator('#draft-files').scrollIntoViewIfNeeded();
    await screenshot(page, 'draft-attachments');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Approve and send' }).click();
    await expect.poll(() => page.locator('.flash').first().textContent()).toMatch(/Approved/);
    const [mail] = await started.sink.waitFor(1);
    const parts = mail!.parsed.attachments;
    expect(parts.map((a) => [a.filename, a.contentType])).toEqual([
      ['pan-care-guide.pdf', 'application/pdf'],
      ['invoice-4411.pdf', 'application/pdf'],
    ]);
    expect(parts[0]!.content.equals(GUIDE)).toBe(true);
    expect(parts[1]!.content.equals(INVOICE)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
