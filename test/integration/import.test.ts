import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import { importMail } from '../../core/mail/import.ts';
import { type TestCtx, testContext } from '../support/context.ts';

const GOOD =
  'From: Ruth <ruth@calloway.example>\r\nTo: support@fernhill.example\r\nSubject: Knives\r\nDate: Mon, 3 Aug 2026 09:14:22 +0100\r\nMessage-ID: <knives@calloway.example>\r\n\r\nHello\r\n';
const BINARY = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);

/** `longhand import` takes only mail: what is not mail is refused by name, and importing nothing is an error. */
describe('importing files that are not mail', () => {
  let ctx: TestCtx;
  let dir: string;

  beforeEach(async () => {
    ctx = await testContext();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-import-'));
  });

  afterEach(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await ctx.close();
  });

  const conversations = async () => (await ctx.db.selectFrom('conversations').select('id').execute()).length;
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: unknown) => e,
    );

  it('imports the mail of a folder and names each file it refused, and why', async () => {
    fs.writeFileSync(path.join(dir, '1-good.eml'), GOOD);
    fs.writeFileSync(path.join(dir, '2-hostname.eml'), 'myhost\n');
    fs.writeFileSync(path.join(dir, '3-image.eml'), BINARY);
    fs.writeFileSync(path.join(dir, '4-headers.eml'), 'Subject: no sender\r\n\r\nbody\r\n');
    const result = await importMail(ctx, dir, { mailboxId: null, historical: true });
    expect(result.imported).toBe(1);
    expect(result.refused).toEqual([
      { name: '2-hostname.eml', reason: 'it has no mail header block' },
      { name: '3-image.eml', reason: 'it has no mail header block' },
      { name: '4-headers.eml', reason: 'it has none of the From, Date or Message-ID headers' },
    ]);
    expect(await conversations()).toBe(1);
  });

  it('refuses a text file and a binary file given as mbox, naming the file, and creates nothing', async () => {
    for (const [name, content] of [
      ['hostname', 'myhost\n'],
      ['image.png', BINARY],
    ] as const) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      const err = await refusal(importMail(ctx, file, { mailboxId: null, historical: true }));
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toContain(`Nothing imported from ${file}`);
      expect((err as Error).message).toContain(`${file}: it has no mail header block`);
    }
    expect(await conversations()).toBe(0);
  });

  it('says so when a folder has no .eml files, or a file holds no messages', async () => {
    fs.writeFileSync(path.join(dir, 'notes.txt'), GOOD);
    const folder = await refusal(importMail(ctx, dir, { mailboxId: null, historical: true }));
    expect(folder).toBeInstanceOf(ValidationError);
    expect((folder as Error).message).toBe(`${dir} has no .eml files.`);
    const empty = path.join(dir, 'empty.mbox');
    fs.writeFileSync(empty, '\n\n');
    const none = await refusal(importMail(ctx, empty, { mailboxId: null, historical: true }));
    expect(none).toBeInstanceOf(ValidationError);
    expect((none as Error).message).toBe(`${empty} holds no messages.`);
  });

  it('is no error when everything was imported before', async () => {
    fs.writeFileSync(path.join(dir, 'good.eml'), GOOD);
    await importMail(ctx, dir, { mailboxId: null, historical: true });
    const again = await importMail(ctx, dir, { mailboxId: null, historical: true });
    expect(again).toEqual({ imported: 0, duplicates: 1, withWarnings: 0, refused: [] });
  });

  it('counts the messages stored with warnings', async () => {
    fs.writeFileSync(path.join(dir, 'good.eml'), GOOD);
    fs.writeFileSync(path.join(dir, 'undated.eml'), GOOD.replace(/^Date:.*\r?\n/m, '').replace(/Message-ID: <[^>]+>/i, 'Message-ID: <undated@bakery.example>'));
    expect(await importMail(ctx, dir, { mailboxId: null, historical: true })).toEqual({ imported: 2, duplicates: 0, withWarnings: 1, refused: [] });
  });
});
