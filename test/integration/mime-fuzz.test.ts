import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LonghandError } from '../../core/errors.ts';
import { ingestMessage } from '../../core/intake/intake.ts';
import { parseMessage } from '../../core/mail/parse.ts';
import { OurAddresses } from '../../core/mailboxes/our-addresses.ts';
import { type TestCtx, testContext } from '../support/context.ts';
import { seededRandom } from '../support/mail-generator.ts';

/**
 * Mutated MIME: a dozen real-looking messages, damaged thousands of times with a seeded PRNG. Every
 * mutant goes through parseMessage (3,000); the first 1,000 also through the real ingest into an
 * in-memory database: each ingest is a transaction of a dozen statements, most of the run's ~25 s on two
 * cores, so not all of them. Nothing may throw except a LonghandError saying why the message was
 * refused; the outcome counts (and the slowest parse) are printed.
 */
const PARSES = 3_000;
const INGESTS = 1_000;
const SEED = 20260302;
const US = 'support@fernhill.example';

const fixture = (name: string) => fs.readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url)).toString('latin1');
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const head = (id: string, subject: string, extra: string[] = []) =>
  [
    `From: Maria Lopez <maria@bakery.example>`,
    `To: Fernhill Support <${US}>`,
    `Subject: ${subject}`,
    'Date: Tue, 03 Mar 2026 09:15:00 +0100',
    `Message-ID: <${id}@bakery.example>`,
    'MIME-Version: 1.0',
    ...extra,
  ].join('\r\n');

const SEEDS: string[] = [
  fixture('plain.eml'),
  fixture('html-only.eml'),
  fixture('alternative-attachment.eml'),
  `${head('plain-qp', '=?utf-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=', ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'])}\r\n\r\nHallo, meine Bestellung ist noch nicht da. K=C3=B6nnen Sie nachsehen? Eine sehr lange Zeile, die =\r\nweich umbrochen wurde.\r\n\r\n> Zitat\r\n`,
  `${head('alt', 'Induction?', ['Content-Type: multipart/alternative; boundary="alt-1"'])}\r\n\r\n--alt-1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDoes the pan work on induction?\r\n--alt-1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Does the <b>pan</b> work on induction?</p>\r\n--alt-1--\r\n`,
  `${head('mixed', 'Invoice', ['Content-Type: multipart/mixed; boundary=mix'])}\r\n\r\npreamble\r\n--mix\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\nVoici la facture, merci d'avance.\r\n--mix\r\nContent-Type: application/pdf; name="facture.pdf"\r\nContent-Disposition: attachment; filename="facture.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n').toString('base64')}\r\n--mix\r\nContent-Type: text/csv; name=orders.csv\r\nContent-Disposition: attachment; filename=orders.csv\r\n\r\nid,qty\r\n1,2\r\n--mix--\r\nepilogue\r\n`,
  `${head('related', 'Our logo', ['Content-Type: multipart/related; boundary="rel"; type="text/html"'])}\r\n\r\n--rel\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Logo: <img src="cid:logo@bakery.example"></p>\r\n--rel\r\nContent-Type: image/png\r\nContent-ID: <logo@bakery.example>\r\nContent-Transfer-Encoding: base64\r\n\r\n${PNG}\r\n--rel--\r\n`,
  `${head('nested', 'Nested', ['Content-Type: multipart/mixed; boundary="o"'])}\r\n\r\n--o\r\nContent-Type: multipart/alternative; boundary="a"\r\n\r\n--a\r\nContent-Type: text/plain\r\n\r\nplain\r\n--a\r\nContent-Type: multipart/related; boundary="r"\r\n\r\n--r\r\nContent-Type: text/html\r\n\r\n<p>html <img src="cid:i1"></p>\r\n--r\r\nContent-Type: image/png\r\nContent-ID: <i1>\r\nContent-Transfer-Encoding: base64\r\n\r\n${PNG}\r\n--r--\r\n--a--\r\n--o\r\nContent-Type: application/octet-stream; name=data.bin\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQFBgcICQ==\r\n--o--\r\n`,
  `${head('forward', 'Fwd: order', ['Content-Type: multipart/mixed; boundary="f"'])}\r\n\r\n--f\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n--f\r\nContent-Type: message/rfc822\r\n\r\nFrom: a@b.example\r\nSubject: inner\r\nMessage-ID: <inner@b.example>\r\nContent-Type: text/html\r\n\r\n<p>inner</p>\r\n--f--\r\n`,
  `${head('japanese', '=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=', ['Content-Type: text/plain; charset=ISO-2022-JP', 'Content-Transfer-Encoding: 7bit'])}\r\n\r\n\x1b$B$3$s$K$A$O\x1b(B\r\n`,
  `${head('outlook', 'RE: Delivery', [
    'Thread-Index: AdlQ2n8vYk3mB0aNQ1eXb2Q0bNfZ1A==',
    'Thread-Topic: Delivery',
    'In-Reply-To: <q1@fernhill.example>',
    'References: <q0@fernhill.example>\r\n <q1@fernhill.example>',
    'X-Long: ' +
      'folded words '
        .repeat(40)
        .trim()
        .replace(/(.{70})/g, '$1\r\n\t'),
    'Content-Type: text/plain; charset="windows-1252"',
    'Content-Transfer-Encoding: quoted-printable',
  ])}\r\n\r\nThanks =96 that helps.\r\n\r\n-----Original Message-----\r\nFrom: Fernhill\r\n`,
  `From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\nTo: ${US}\r\nSubject: Undelivered Mail Returned to Sender\r\nDate: Tue, 03 Mar 2026 09:20:00 +0000\r\nMessage-ID: <bounce@mx.example>\r\nAuto-Submitted: auto-replied\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="rep"\r\n\r\n--rep\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n--rep\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; nobody@x.example\r\nAction: failed\r\nStatus: 5.1.1\r\n--rep\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: ${US}\r\nSubject: Re: order\r\n--rep--\r\n`,
  `From: J\xfcrgen M\xfcller <j@web.example>\r\nTo: ${US}\r\nSubject: Gr\xfc\xdfe, r\xe9sum\xe9\r\nDate: Tue, 3 Mar 2026 10:00:00 +0100\r\nMessage-ID: <raw8bit@web.example>\r\nContent-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCaf\xe9 cr\xe8me \x80 5\r\n`,
];

const CHARSETS = [
  'utf-8',
  'utf-7',
  'utf-16',
  'utf-16be',
  'ucs-4',
  'iso-2022-jp',
  'x-unknown',
  'gb18030',
  'koi8-r',
  '',
  '"',
  'utf-8"; x="',
  'windows-1252*',
  'A'.repeat(300),
  'big5-hkscs',
  'x-mac-roman',
  'ebcdic-cp-us',
];
const SPECIAL = ['\0', '\r', '\n', '\r\n', '-', '--', '=', '=?', '?=', ':', ';', '"', '<', '>', '\t', ' ', '\xff', '\x80', 'boundary=', '\r\n\r\n', '\r\n--'];

/** One random damage to a message (latin1 string, one character per byte). */
function mutate(s: string, rnd: () => number): string {
  const int = (n: number) => Math.floor(rnd() * n);
  const at = () => int(s.length + 1);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  switch (int(13)) {
    case 0: {
      // bit flips
      const chars = s.split('');
      for (let i = 1 + int(20); i > 0 && chars.length; i--) {
        const p = int(chars.length);
        chars[p] = String.fromCharCode(chars[p]!.charCodeAt(0) ^ (1 << int(8)));
      }
      return chars.join('');
    }
    case 1: {
      // insertions of random or meaningful bytes
      let out = s;
      for (let i = 1 + int(10); i > 0; i--) {
        const p = int(out.length + 1);
        const piece = rnd() < 0.5 ? pick(SPECIAL) : String.fromCharCode(...Array.from({ length: 1 + int(8) }, () => int(256)));
        out = out.slice(0, p) + piece + out.slice(p);
      }
      return out;
    }
    case 2: {
      // deletions
      const p = at();
      return s.slice(0, p) + s.slice(p + 1 + int(50));
    }
    case 3: // truncation
      return s.slice(0, at());
    case 4: {
      // a boundary line duplicated or removed
      const lines = s.split('\r\n');
      const b = lines.map((l, i) => (l.startsWith('--') ? i : -1)).filter((i) => i >= 0);
      if (!b.length) return `${s}\r\n--\r\n`;
      const i = pick(b);
      if (rnd() < 0.5) lines.splice(i, 1);
      else lines.splice(i, 0, ...Array<string>(1 + int(3)).fill(lines[i]!));
      return lines.join('\r\n');
    }
    case 5: {
      // header folding damage: a continuation without whitespace, or a header without colon
      const end = s.indexOf('\r\n\r\n');
      const p = int(end > 0 ? end : s.length);
      return rnd() < 0.5 ? `${s.slice(0, p)}\r\n${'x'.repeat(1 + int(5))}${s.slice(p)}` : s.replace(/^([A-Za-z-]+):/m, '$1');
    }
    case 6: // a random charset name
      return /charset=/i.test(s)
        ? s.replace(/charset="?[^;"\r\n]*"?/i, `charset=${pick(CHARSETS)}`)
        : s.replace('\r\n\r\n', `\r\nContent-Type: text/plain; charset=${pick(CHARSETS)}\r\n\r\n`);
    case 7: // many headers
      return `${Array.from({ length: 100 + int(3_000) }, (_, i) => `X-Filler-${i}: ${'v'.repeat(int(40))}`).join('\r\n')}\r\n${s}`;
    case 8: // a wrong transfer encoding
      return s.replace(/Content-Transfer-Encoding:[^\r\n]*/i, `Content-Transfer-Encoding: ${pick(['base64', 'quoted-printable', 'x-uuencode', '8bit', 'binary', 'gzip', ''])}`);
    case 9: // a changed, huge or empty boundary
      return s.replace(/boundary="?([^";\r\n]*)"?/i, () => `boundary="${pick(['', 'x'.repeat(2_000), '--', '"', 'a b'])}"`);
    case 10: // wrapped in more multiparts
      return Array.from({ length: 1 + int(40) }).reduce<string>((m, _, i) => `Content-Type: multipart/mixed; boundary="w${i}"\r\n\r\n--w${i}\r\n${m}\r\n--w${i}--\r\n`, s);
    case 11: // a random top-level content type
      return s.replace(
        /^Content-Type:[^\r\n]*(\r\n[ \t][^\r\n]*)*/im,
        `Content-Type: ${pick(['message/rfc822', 'multipart/digest', 'text/html', 'application/ms-tnef', 'multipart/signed; boundary=', 'image/png', '/', 'text/plain; format=flowed; delsp=yes'])}`,
      );
    default: {
      // encoded words damaged
      return s.replace(
        /^Subject:[^\r\n]*/im,
        `Subject: ${pick(['=?utf-8?B?', '=?x?Q?=ZZ=?=', `=?utf-8?B?${'A'.repeat(5_000)}?=`, '=?utf-16?B?2D3eAA==?=', '=?utf-8*en?Q?a?=', '=?=?=?'])}`,
      );
    }
  }
}

describe('fuzzing the parser and ingest with mutated MIME', () => {
  let ctx: TestCtx;
  beforeAll(async () => {
    ctx = await testContext();
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it(`parses ${PARSES} mutants and ingests ${INGESTS} without a crash, each stored or refused with a reason`, async () => {
    const rnd = seededRandom(SEED);
    const outcomes: Record<string, number> = {};
    const count = (k: string) => (outcomes[k] = (outcomes[k] ?? 0) + 1);
    const ours = new OurAddresses([US], []);
    const started = Date.now();
    let slowest = 0;
    for (let i = 0; i < PARSES; i++) {
      let m = SEEDS[i % SEEDS.length]!;
      for (let n = 1 + Math.floor(rnd() * 4); n > 0; n--) m = mutate(m, rnd);
      const source = Buffer.from(m, 'latin1');

      const t0 = performance.now();
      const parsed = await parseMessage(source);
      slowest = Math.max(slowest, performance.now() - t0);
      expect(parsed.messageId.length).toBeGreaterThan(0);
      expect(parsed.subject).not.toMatch(/[\r\n\0]/);
      for (const a of [parsed.from, ...parsed.to, ...parsed.cc].filter((x) => x !== null)) expect(`${a.name}${a.address}`).not.toMatch(/[\r\n\0]/);
      count(parsed.warnings.length ? 'parsed with warnings' : 'parsed cleanly');

      if (i >= INGESTS) continue;
      try {
        const r = await ingestMessage(ctx, { source, origin: 'imap', mailboxId: null, historical: true }, ours);
        if (r.duplicate) count('ingest: same message again');
        else {
          const row = await ctx.db.selectFrom('messages').select('warnings').where('id', '=', r.messageId).executeTakeFirstOrThrow();
          count(row.warnings.length ? 'ingest: stored with warnings' : 'ingest: stored');
        }
      } catch (err) {
        // A refusal must be one of ours, saying why; anything else is a crash.
        if (!(err instanceof LonghandError)) throw err;
        expect(err.message.length).toBeGreaterThan(0);
        count(`ingest: refused (${err.code})`);
      }
    }
    console.log(`MIME fuzz (seed ${SEED}, ${((Date.now() - started) / 1000).toFixed(1)} s, slowest parse ${Math.round(slowest)} ms):`, outcomes);
    const ingested = Object.entries(outcomes)
      .filter(([k]) => k.startsWith('ingest:'))
      .reduce((n, [, v]) => n + v, 0);
    expect(ingested).toBe(INGESTS);
  });
});
