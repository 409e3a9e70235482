import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { countMboxMessages, readEmlFolder, readMbox } from '../../core/mail/mbox.ts';
import { parseMessage } from '../../core/mail/parse.ts';

const fixtures = fileURLToPath(new URL('../fixtures/mail/', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-mbox-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function all(file: string): Promise<string[]> {
  const out: string[] = [];
  for await (const m of readMbox(file)) out.push(m.toString('utf8'));
  return out;
}

describe('readMbox', () => {
  it('splits a three-message mbox and drops the envelope lines', async () => {
    const file = path.join(fixtures, 'three.mbox');
    const messages = await all(file);
    expect(messages).toHaveLength(3);
    expect(await countMboxMessages(file)).toBe(3);
    expect(messages[0]).toBe(
      'From: Dana Whitfield <dana.whitfield@gmail.com>\nTo: support@fernhill.example\nSubject: Cracked lid\nDate: Tue, 3 Nov 2026 10:02:17 +0100\nMessage-ID: <mbox-1@mail.gmail.com>\n\nThe lid arrived cracked.\n',
    );
    const parsed = await Promise.all(messages.map((m) => parseMessage(Buffer.from(m))));
    expect(parsed.map((p) => [p.messageId, p.inReplyTo, p.text])).toEqual([
      ['mbox-1@mail.gmail.com', null, 'The lid arrived cracked.\n'],
      ['mbox-2@fernhill.example', 'mbox-1@mail.gmail.com', 'Sorry about that, a new lid is on its way.\n'],
      ['mbox-3@mail.gmail.com', 'mbox-2@fernhill.example', 'Thank you!\n'],
    ]);
  });

  it('un-escapes >From lines (mboxrd) and keeps a bare "From " line inside a paragraph', async () => {
    const file = path.join(fixtures, 'escaped.mbox');
    const messages = await all(file);
    expect(await countMboxMessages(file)).toBe(2);
    expect(messages).toHaveLength(2);
    const body = messages[0]!.split('\n\n').slice(1).join('\n\n');
    expect(body).toBe('My neighbour said:\n>From what I can tell the parcel is in Leeds.\n\nFrom then on nothing happened.\nGreg\nFrom Leeds, with love\n');
    expect(messages[1]).toContain('Subject: Shipping question (2)');
  });

  it('keeps CRLF line endings and handles messages split across read chunks', async () => {
    const long = 'x'.repeat(300 * 1024);
    const content = [
      'From a@x.example Tue Nov  3 10:02:19 2026',
      'Subject: one',
      '',
      long,
      '>From the start',
      '',
      'From b@x.example Tue Nov  3 10:03:19 2026',
      'Subject: two',
      '',
      'second',
      '',
    ].join('\r\n');
    const file = path.join(tmp, 'crlf.mbox');
    fs.writeFileSync(file, content);
    const messages = await all(file);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toBe(`Subject: one\r\n\r\n${long}\r\nFrom the start\r\n`);
    expect(messages[1]).toBe('Subject: two\r\n\r\nsecond\r\n');
    expect(await countMboxMessages(file)).toBe(2);
  });

  it('reads a file without a trailing newline, and an empty file', async () => {
    const file = path.join(tmp, 'no-eol.mbox');
    fs.writeFileSync(file, 'From a@x Tue Nov  3 10:02:19 2026\nSubject: last\n\nno newline at the end');
    expect(await all(file)).toEqual(['Subject: last\n\nno newline at the end']);
    const empty = path.join(tmp, 'empty.mbox');
    fs.writeFileSync(empty, '');
    expect(await all(empty)).toEqual([]);
    expect(await countMboxMessages(empty)).toBe(0);
  });
});

describe('readEmlFolder', () => {
  it('yields the .eml files in name order, one at a time', async () => {
    const dir = path.join(tmp, 'eml');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, '10.eml'), 'Subject: ten\n\n10');
    fs.writeFileSync(path.join(dir, '2.eml'), 'Subject: two\n\n2');
    fs.writeFileSync(path.join(dir, 'a.eml'), 'Subject: a\n\na');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not mail');
    fs.mkdirSync(path.join(dir, 'sub.eml'));
    const seen: { name: string; source: string }[] = [];
    for await (const { name, source } of readEmlFolder(dir)) seen.push({ name, source: source.toString() });
    expect(seen).toEqual([
      { name: '2.eml', source: 'Subject: two\n\n2' },
      { name: '10.eml', source: 'Subject: ten\n\n10' },
      { name: 'a.eml', source: 'Subject: a\n\na' },
    ]);
  });
});
