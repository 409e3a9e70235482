import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, parseMessage } from '../../core/mail/parse.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url));
const crlf = (s: string): Buffer => Buffer.from(s.replace(/\r?\n/g, '\r\n'));

describe('parseMessage: well-formed mail', () => {
  it('keeps a Message-ID too long to index as a digest of itself, the same where a reply names it', async () => {
    const long = `${Array.from({ length: 990 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20000))).join('')}@mail.example`;
    const original = await parseMessage(Buffer.from(`From: a@b.example\r\nSubject: x\r\nMessage-ID: <${long}>\r\n\r\nhi\r\n`));
    const reply = await parseMessage(
      Buffer.from(`From: c@d.example\r\nSubject: Re: x\r\nMessage-ID: <short@d.example>\r\nIn-Reply-To: <${long}>\r\nReferences: <${long}>\r\n\r\nhi\r\n`),
    );
    expect(original.messageId).toMatch(/^[0-9a-f]{64}@long-id\.invalid$/);
    expect(reply.inReplyTo).toBe(original.messageId);
    expect(reply.references).toEqual([original.messageId]);
    expect(reply.messageId).toBe('short@d.example');
  });

  it('reads a plain quoted-printable message from Gmail', async () => {
    const m = await parseMessage(fixture('plain.eml'));
    expect(m.messageId).toBe('CAK7x9Q2fZpL3@mail.gmail.com');
    expect(m.syntheticMessageId).toBe(false);
    expect(m.subject).toBe('Cracked lid on order FH-1042');
    expect(m.from).toEqual({ address: 'dana.whitfield@gmail.com', name: 'Dana Whitfield' });
    expect(m.to).toEqual([{ address: 'support@fernhill.example', name: 'Fernhill Support' }]);
    expect(m.date?.toISOString()).toBe('2026-11-03T09:02:17.000Z');
    expect(m.utcOffsetMinutes).toBe(60);
    expect(m.text).toBe('Hi,\n\nthe lid of the 28 cm pan arrived cracked. Could you send a new one?\n\nViele Grüße,\nDana\n');
    expect(m.html).toBeNull();
    expect(m.contentType).toBe('text/plain');
    expect(m.headers['return-path']).toBe('<dana.whitfield@gmail.com>');
    expect(m.headers.received).toContain('by mx.fernhill.example (Postfix)');
    expect(m.attachments).toEqual([]);
    expect(m.warnings).toEqual([]);
    expect(m.sizeBytes).toBe(700);
    expect(m.sourceSha256).toBe('5dd16a2a9d5d31fdfb2486a9d8195ad6474e7e81b92dcc2e081e191932b3b268');
  });

  it('derives plain text from an HTML-only message in ISO-8859-1', async () => {
    const m = await parseMessage(fixture('html-only.eml'));
    expect(m.subject).toBe('Poêle cassée');
    expect(m.from).toEqual({ address: 'renee.lefevre@orange.example', name: 'Renée Lefèvre' });
    expect(m.text).toBe('Bonjour,\n\nla poêle est arrivée cassée.\n\nRenée');
    expect(m.html).toBe('<html><body><p>Bonjour,</p><p>la poêle est arrivée cassée.</p><p>Renée</p></body></html>\n');
    expect(m.contentType).toBe('text/html');
    expect(m.utcOffsetMinutes).toBe(-330);
    expect(m.date?.toISOString()).toBe('2026-11-04T13:45:00.000Z');
  });

  it('reads multipart/alternative with an inline image and a PDF attachment', async () => {
    const m = await parseMessage(fixture('alternative-attachment.eml'));
    expect(m.subject).toBe('Re: Rechnung für FH-1042');
    expect(m.text).toBe('Here is the invoice you asked for.\n\nDana\n');
    expect(m.html).toBe('<div dir="ltr">Here is the invoice you asked for.<br><img src="cid:logo@fernhill"><br>Dana</div>\n');
    expect(m.contentType).toBe('multipart/mixed');
    expect(m.from).toEqual({ address: 'dana.whitfield@gmail.com', name: 'Whitfield, Dana' });
    expect(m.to.map((a) => a.address)).toEqual(['support@fernhill.example', 'tom@fernhill.example']);
    // the group "Accounts:" is flattened into its members
    expect(m.cc).toEqual([
      { address: 'billing@fernhill.example', name: '' },
      { address: 'ana@fernhill.example', name: 'Ana' },
    ]);
    expect(m.replyTo).toEqual([{ address: 'dana.w@work.example', name: '' }]);
    expect(m.utcOffsetMinutes).toBe(0);

    expect(m.attachments.map(({ content: _content, ...a }) => a)).toEqual([
      {
        sha256: 'd94abb977d7eed843990dd0d81d2f46950411367fa99b25c2db63ecd6eb40253',
        size: 42,
        filename: 'logo.png',
        contentType: 'image/png',
        contentId: 'logo@fernhill',
        inline: true,
      },
      // "../../invoice FH-1042.pdf": the path is dropped
      {
        sha256: '56c2ac043c28d3543275a6f50b593a6beb0b6888ed8159ac02e3e7f4a32ccb26',
        size: 77,
        filename: 'invoice FH-1042.pdf',
        contentType: 'application/pdf',
        contentId: null,
        inline: false,
      },
    ]);
    expect(m.attachments[1]!.content.toString('latin1')).toMatch(/^%PDF-1\.4\n[\s\S]*%%EOF\n$/);
  });
});

describe('parseMessage: threading headers', () => {
  const message = (headers: string): Buffer => crlf(`From: dana@x.example\nSubject: pan\n${headers}\n\nbody\n`);

  it('takes In-Reply-To and References without angle brackets, several references in order', async () => {
    const m = await parseMessage(fixture('alternative-attachment.eml'));
    expect(m.inReplyTo).toBe('reply-77@fernhill.example');
    expect(m.references).toEqual(['CAK7x9Q2fZpL3@mail.gmail.com', 'reply-77@fernhill.example']);
  });

  it('reads a single reference', async () => {
    const m = await parseMessage(message('Message-ID: <b@x.example>\nReferences: <a@x.example>'));
    expect(m.references).toEqual(['a@x.example']);
    expect(m.messageId).toBe('b@x.example');
  });

  it('reads whitespace-separated references without brackets, folded over lines', async () => {
    const m = await parseMessage(message('Message-ID: <c@x.example>\nReferences: a@x.example b@x.example\n\tc0@x.example'));
    expect(m.references).toEqual(['a@x.example', 'b@x.example', 'c0@x.example']);
  });

  it('takes the first <id> out of an In-Reply-To with text around it', async () => {
    const m = await parseMessage(message('Message-ID: <d@x.example>\nIn-Reply-To: Your message of "Mon, 3 Nov 2026" <a@x.example> (sent from web)'));
    expect(m.inReplyTo).toBe('a@x.example');
  });

  it('keeps the Outlook Thread-Index', async () => {
    const m = await parseMessage(message('Message-ID: <e@x.example>\nThread-Index: AdlQ2n8vYk3mB0aNQ1eXb2Q0bNfZ1A=='));
    expect(m.threadIndex).toBe('AdlQ2n8vYk3mB0aNQ1eXb2Q0bNfZ1A==');
  });

  it('gives a message without Message-ID the same synthetic id every time it is parsed', async () => {
    const source = crlf('From: dana@x.example\nSubject: no id\nDate: Tue, 3 Nov 2026 10:02:17 +0100\n\nHello\n');
    const first = await parseMessage(source);
    const second = await parseMessage(Buffer.from(source));
    expect(first.syntheticMessageId).toBe(true);
    expect(first.messageId).toMatch(/^[0-9a-f]{32}@synthetic\.longhand$/);
    expect(first.messageId).toBe(`${first.sourceSha256.slice(0, 32)}@synthetic.longhand`);
    expect(second.messageId).toBe(first.messageId);
    expect(first.warnings).toContain('no Message-ID header: a synthetic one was derived from the message bytes');
    const other = await parseMessage(crlf('From: dana@x.example\nSubject: no id\n\nHello again\n'));
    expect(other.messageId).not.toBe(first.messageId);
  });
});

describe('parseMessage: dates', () => {
  const withDate = (date: string): Promise<Awaited<ReturnType<typeof parseMessage>>> => parseMessage(crlf(`From: a@x.example\nMessage-ID: <d@x>\nDate: ${date}\n\nbody\n`));

  it.each([
    ['Tue, 3 Nov 2026 10:02:17 +0200 (CEST)', '2026-11-03T08:02:17.000Z', 120],
    ['Tue, 3 Nov 2026 10:02:17 -0530', '2026-11-03T15:32:17.000Z', -330],
    ['Tue, 3 Nov 2026 10:02:17 GMT', '2026-11-03T10:02:17.000Z', 0],
    ['3 Nov 2026 10:02:17 UT', '2026-11-03T10:02:17.000Z', 0],
    ['2026-11-03T10:02:17Z', '2026-11-03T10:02:17.000Z', 0],
    ['Tue, 3 Nov 2026 10:02:17 EST', '2026-11-03T15:02:17.000Z', -300],
  ])('%s', async (header, iso, offset) => {
    const m = await withDate(header);
    expect(m.date?.toISOString()).toBe(iso);
    expect(m.utcOffsetMinutes).toBe(offset);
  });

  it('gives null, not the current time, for a missing or unreadable date', async () => {
    const bad = await withDate('sometime last week');
    expect(bad.date).toBeNull();
    expect(bad.utcOffsetMinutes).toBeNull();
    const none = await parseMessage(crlf('From: a@x.example\nMessage-ID: <d@x>\n\nbody\n'));
    expect(none.date).toBeNull();
    expect(none.utcOffsetMinutes).toBeNull();
  });
});

describe('parseMessage: hostile and broken input', () => {
  it('returns an empty message for an empty buffer', async () => {
    const m = await parseMessage(Buffer.alloc(0));
    expect(m.subject).toBe('');
    expect(m.text).toBe('');
    expect(m.from).toBeNull();
    expect(m.syntheticMessageId).toBe(true);
    expect(m.sizeBytes).toBe(0);
    expect(m.sourceSha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(m.warnings).toContain('the message is empty');
  });

  it('survives random bytes', async () => {
    let seed = 42;
    const bytes = Buffer.alloc(5000);
    for (let i = 0; i < bytes.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      bytes[i] = seed & 0xff;
    }
    const m = await parseMessage(bytes);
    expect(m.syntheticMessageId).toBe(true);
    expect(m.from).toBeNull();
    expect(m.sizeBytes).toBe(5000);
    expect(m.warnings).toContain('no mail headers were found');
  });

  it('reads raw 8-bit headers in Latin-1 and in UTF-8', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('From: '),
      Buffer.from('Jürgen Müller <j.mueller@web.example>\r\nSubject: Grüße aus Köln\r\n', 'latin1'),
      Buffer.from('Message-ID: <k@web.example>\r\n\r\nHallo\r\n'),
    ]);
    const a = await parseMessage(latin1);
    expect(a.subject).toBe('Grüße aus Köln');
    expect(a.from).toEqual({ address: 'j.mueller@web.example', name: 'Jürgen Müller' });

    const b = await parseMessage(Buffer.from('From: Jürgen Müller <j.mueller@web.example>\r\nSubject: Grüße aus Köln\r\n\r\nHallo\r\n', 'utf8'));
    expect(b.subject).toBe('Grüße aus Köln');
    expect(b.from?.name).toBe('Jürgen Müller');
  });

  it('does not fail on a wrong or unknown charset, and says the text has undecodable bytes', async () => {
    const body = Buffer.from('Le caf\xe9 est froid.\r\n', 'latin1');
    for (const charset of ['utf-8', 'x-no-such-charset']) {
      const m = await parseMessage(Buffer.concat([crlf(`From: a@x.example\nMessage-ID: <c@x>\nSubject: froid\nContent-Type: text/plain; charset=${charset}\n\n`), body]));
      expect(m.subject).toBe('froid');
      expect(m.text).toBe('Le caf\uFFFD est froid.\n');
      expect(m.warnings.join('\n')).toMatch(/not valid in its declared character set/);
    }
  });

  it('removes CR/LF smuggled in through encoded words from subject, names and addresses', async () => {
    // Subject decodes to "Hi\r\nBcc: x@y.example", the From name to "Evil\r\nBcc: v@x.example <script>"
    const m = await parseMessage(
      crlf(
        'From: =?utf-8?b?RXZpbA0KQmNjOiB2QHguZXhhbXBsZSA8c2NyaXB0Pg==?= <evil@x.example>\n' +
          'To: Fine <=?utf-8?b?YUBiLmV4YW1wbGU+LCBjQGQuZXhhbXBsZQ==?=@x.example>, ok@x.example\n' +
          'Subject: =?utf-8?b?SGkNCkJjYzogeEB5LmV4YW1wbGU=?=\n' +
          'Message-ID: <evil@x.example>\n\nbody\n',
      ),
    );
    expect(m.subject).toBe('Hi Bcc: x@y.example');
    expect(m.from).toEqual({ address: 'evil@x.example', name: 'Evil Bcc: v@x.example <script>' });
    // an address that hides an encoded word is not taken at its word
    expect(m.to).toEqual([{ address: 'ok@x.example', name: '' }]);
    for (const value of [m.subject, m.from!.name, ...m.to.map((a) => a.address), ...Object.values(m.headers)]) {
      expect(value).not.toMatch(/[\r\n\0]/);
    }
  });

  it('reads only the headers of a message nested deeper than the limit', async () => {
    let s = 'From: a@x.example\nMessage-ID: <deep@x.example>\nSubject: nested\nContent-Type: multipart/mixed; boundary="b0"\n\n';
    const depth = DEFAULT_LIMITS.maxMimeDepth + 5;
    for (let i = 1; i < depth; i++) s += `--b${i - 1}\nContent-Type: multipart/mixed;\n boundary="b${i}"\n\n`;
    s += `--b${depth - 1}\nContent-Type: text/plain\n\nburied text\n`;
    for (let i = depth - 1; i >= 0; i--) s += `--b${i}--\n`;
    const m = await parseMessage(crlf(s));
    expect(m.messageId).toBe('deep@x.example');
    expect(m.subject).toBe('nested');
    expect(m.text).toBe('');
    expect(m.warnings).toContain('MIME parts are nested more than 30 levels deep: only the headers were read, the body and attachments were skipped');

    // the same shape within the limit is read in full
    const shallow = await parseMessage(crlf(s), { maxMimeDepth: 40 });
    expect(shallow.text).toBe('buried text');
  });

  it('counts nesting, not sibling parts', async () => {
    let s = 'From: a@x.example\nMessage-ID: <wide@x.example>\nContent-Type: multipart/mixed; boundary="outer"\n\n';
    for (let i = 0; i < 40; i++) s += `--outer\nContent-Type: multipart/alternative; boundary="inner${i}"\n\n--inner${i}\nContent-Type: text/plain\n\npart ${i}\n--inner${i}--\n`;
    s += '--outer--\n';
    const m = await parseMessage(crlf(s));
    expect(m.warnings).toEqual([]);
    expect(m.text).toContain('part 39');
  });

  it('skips attachments over the count limit and says so', async () => {
    let s = 'From: a@x.example\nMessage-ID: <many@x.example>\nContent-Type: multipart/mixed; boundary="m"\n\n--m\nContent-Type: text/plain\n\nFive files attached.\n';
    for (let i = 1; i <= 5; i++) s += `--m\nContent-Type: text/csv\nContent-Disposition: attachment; filename="orders-${i}.csv"\n\nid,qty\n${i},1\n`;
    s += '--m--\n';
    const m = await parseMessage(crlf(s), { maxAttachments: 3 });
    expect(m.text).toBe('Five files attached.');
    expect(m.attachments.map((a) => a.filename)).toEqual(['orders-1.csv', 'orders-2.csv', 'orders-3.csv']);
    expect(m.warnings).toContain('the message has 5 attachments, over the limit of 3: the last 2 were skipped');
  });

  it('skips an attachment over the size limit and keeps the rest', async () => {
    const big = Buffer.alloc(3000, 0x41).toString('base64');
    const s = `From: a@x.example\nMessage-ID: <big@x.example>\nContent-Type: multipart/mixed; boundary="m"\n\n--m\nContent-Type: text/plain\n\nPhotos.\n--m\nContent-Type: image/jpeg\nContent-Disposition: attachment; filename="huge.jpg"\nContent-Transfer-Encoding: base64\n\n${big}\n--m\nContent-Type: image/jpeg\nContent-Disposition: attachment; filename="small.jpg"\n\nxyz\n--m--\n`;
    const m = await parseMessage(crlf(s), { maxAttachmentBytes: 1024 });
    expect(m.attachments.map((a) => a.filename)).toEqual(['small.jpg']);
    expect(m.warnings).toContain('attachment "huge.jpg" (2.9 KiB) is over the limit of 1 KiB per attachment: skipped');
  });

  it('names attachments safely', async () => {
    const s =
      'From: a@x.example\nMessage-ID: <names@x.example>\nContent-Type: multipart/mixed; boundary="m"\n\n--m\nContent-Type: text/plain\n\nsee files\n' +
      '--m\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="C:\\\\Users\\\\dana\\\\receipt.pdf"\n\nx\n' +
      '--m\nContent-Type: application/pdf\nContent-Disposition: attachment\n\ny\n' +
      `--m\nContent-Type: text/plain\nContent-Disposition: attachment; filename="${'a'.repeat(300)}.txt"\n\nz\n` +
      '--m--\n';
    const m = await parseMessage(crlf(s));
    const names = m.attachments.map((a) => a.filename);
    expect(names[0]).toBe('receipt.pdf');
    expect(names[1]).toBe('attachment-2.pdf');
    expect(names[2]).toBe(`${'a'.repeat(196)}.txt`);
  });

  it('cuts an HTML body over the limit', async () => {
    const html = `<p>${'Lorem ipsum dolor sit amet. '.repeat(100)}</p>`;
    const m = await parseMessage(crlf(`From: a@x.example\nMessage-ID: <h@x>\nContent-Type: text/html; charset=utf-8\n\n${html}\n`), { maxHtmlBytes: 1000 });
    expect(Buffer.byteLength(m.html!)).toBe(1000);
    expect(m.html!.startsWith('<p>Lorem ipsum')).toBe(true);
    expect(m.warnings).toContain('the HTML body (2.7 KiB) is over the limit of 1000 bytes: it was cut short');
  });

  it('keeps the essential headers of a header block over the line limit', async () => {
    const noise = Array.from({ length: 50 }, (_, i) => `X-Trace-${i}: hop ${i}`).join('\n');
    const m = await parseMessage(crlf(`${noise}\nFrom: Dana <dana@x.example>\nSubject: late headers\nMessage-ID: <late@x.example>\n\nstill here\n`), { maxHeaderLines: 10 });
    expect(m.subject).toBe('late headers');
    expect(m.from?.address).toBe('dana@x.example');
    expect(m.messageId).toBe('late@x.example');
    expect(m.text).toBe('still here\n');
    expect(m.headers['x-trace-9']).toBe('hop 9');
    expect(m.headers['x-trace-10']).toBeUndefined();
    expect(m.warnings).toContain('the header block has 53 lines, over the limit of 10: headers past the limit were skipped, except those needed to read the message');
  });

  it('never throws on damaged copies of real messages', async () => {
    const originals = ['plain.eml', 'html-only.eml', 'alternative-attachment.eml'].map(fixture);
    const inserts = ['\r\n', '=?utf-8?b?', '?=', '--000000000000alt\r\n', 'boundary=', '<', '\0', 'Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n', 'charset=utf-7'];
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let k = 0; k < 300; k++) {
      let b = Buffer.from(originals[k % 3]!);
      for (let op = 0; op < 1 + random(6); op++) {
        const at = random(b.length + 1);
        const kind = random(4);
        if (kind === 0) b[at] = random(256);
        else if (kind === 1) b = Buffer.concat([b.subarray(0, at), Buffer.from(inserts[random(inserts.length)]!), b.subarray(at)]);
        else if (kind === 2) b = b.subarray(0, at);
        else b = Buffer.concat([b.subarray(0, at), b.subarray(at + random(40))]);
      }
      const m = await parseMessage(b);
      expect(m.sizeBytes).toBe(b.length);
      expect(m.messageId.length).toBeGreaterThan(0);
      expect(m.subject).not.toMatch(/[\r\n\0]/);
    }
  });

  it('falls back to the headers when the MIME parser gives up', async () => {
    // more parts than mailparser accepts (1000)
    let s = 'From: Dana <dana@x.example>\nSubject: so many parts\nMessage-ID: <parts@x.example>\nContent-Type: multipart/mixed; boundary="p"\n\n';
    for (let i = 0; i < 1005; i++) s += `--p\nContent-Type: text/plain\n\n${i}\n`;
    s += '--p--\n';
    const m = await parseMessage(crlf(s));
    expect(m.subject).toBe('so many parts');
    expect(m.from?.address).toBe('dana@x.example');
    expect(m.messageId).toBe('parts@x.example');
    expect(m.warnings[0]).toMatch(/^could not parse the message \(.+\): only its headers were read$/);
  });
});
