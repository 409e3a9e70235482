import { describe, expect, it } from 'vitest';
import { classifyAutomated } from '../../core/mail/automated.ts';
import { parseMessage } from '../../core/mail/parse.ts';

/** Classifies a raw message: headers as written, a short body. */
async function reasonFor(headers: string, body = 'Hello\n'): Promise<string | null> {
  const raw = `${headers.trim()}\nMessage-ID: <t-${Math.abs(hash(headers))}@x.example>\n\n${body}`.replace(/\r?\n/g, '\r\n');
  return classifyAutomated(await parseMessage(Buffer.from(raw))).reason;
}
function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

const person = 'From: Dana Whitfield <dana.whitfield@gmail.com>\nTo: support@fernhill.example\nDate: Tue, 3 Nov 2026 10:02:17 +0100';

describe('classifyAutomated', () => {
  it('does not flag a person writing about an order', async () => {
    expect(await reasonFor(`${person}\nSubject: Re: Cracked lid on order FH-1042\nX-Mailer: iPhone Mail (22B83)`)).toBeNull();
  });

  it.each([
    'Is your office out of stock of the 28 cm pan?',
    'Out of stock?',
    'Automatic replies to my emails are not arriving',
    'Afwezig bij levering, pakket kwijt',
    'Frånvarande kurir',
    'Replying to your auto-reply',
    'Re: Out of office',
  ])('does not flag a person whose subject is "%s"', async (subject) => {
    expect(await reasonFor(`${person}\nSubject: ${subject}`)).toBeNull();
  });

  it('does not flag Auto-Submitted: no', async () => {
    expect(await reasonFor(`${person}\nSubject: pan\nAuto-Submitted: no`)).toBeNull();
  });

  it.each([
    ['Auto-Submitted: auto-replied', 'auto-submitted: auto-replied'],
    ['Auto-Submitted: auto-generated; owner-email="shop@x.example"', 'auto-submitted: auto-generated'],
    ['Precedence: bulk', 'precedence: bulk'],
    ['Precedence: list', 'precedence: list'],
    ['Precedence: junk', 'precedence: junk'],
    ['List-Id: Cast iron lovers <castiron.lists.example>', 'mailing list (List-Id)'],
    ['List-Unsubscribe: <https://news.example/u/8f2a>, <mailto:unsub@news.example>', 'bulk mail (List-Unsubscribe)'],
    ['X-Failed-Recipients: nobody@fernhill.example', 'bounce (X-Failed-Recipients)'],
    ['X-Autoreply: yes', 'auto-reply (X-Autoreply)'],
    ['X-Autorespond: Dana is away', 'auto-reply (X-Autorespond)'],
    ['X-Auto-Response-Suppress: DR, RN, NRN, OOF, AutoReply', 'out of office'],
    ['Feedback-ID: 1234:campaign:mailer', 'bulk mail (Feedback-ID)'],
  ])('%s → %s', async (header, reason) => {
    expect(await reasonFor(`${person}\nSubject: Re: your order\n${header}`)).toBe(reason);
  });

  it('flags a delivery status report from the mailer daemon', async () => {
    const dsn = `From: Mail Delivery System <MAILER-DAEMON@mx.fernhill.example>
To: support@fernhill.example
Subject: Undelivered Mail Returned to Sender
Date: Tue, 3 Nov 2026 10:05:00 +0100
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"`;
    const body =
      "--dsn\nContent-Type: text/plain\n\nI'm sorry to have to inform you that your message could not be delivered.\n--dsn\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.fernhill.example\n\nFinal-Recipient: rfc822; nobody@gone.example\nAction: failed\nStatus: 5.1.1\n--dsn--\n";
    expect(await reasonFor(dsn, body)).toBe('bounce (delivery status report)');
    // Postfix marks its bounces Auto-Submitted too: they are still bounces, so they can be linked to the reply.
    expect(await reasonFor(`${dsn}\nAuto-Submitted: auto-replied`, body)).toBe('bounce (delivery status report)');
    expect(await reasonFor('From: MAILER-DAEMON@mx.gone.example\nTo: support@fernhill.example\nSubject: Delivery failure\nAuto-Submitted: auto-replied')).toBe(
      'bounce (mailer-daemon)',
    );
  });

  it('flags a read receipt', async () => {
    expect(
      await reasonFor(
        `${person}\nSubject: Read: your order\nContent-Type: multipart/report; report-type=disposition-notification; boundary="r"`,
        '--r\nContent-Type: text/plain\n\nRead.\n--r--\n',
      ),
    ).toBe('read receipt (disposition notification)');
  });

  it.each([
    ['MAILER-DAEMON@mx.gone.example', 'bounce (mailer-daemon)'],
    ['postmaster@gone.example', 'bounce (postmaster)'],
  ])('flags mail from %s', async (from, reason) => {
    expect(await reasonFor(`From: ${from}\nTo: support@fernhill.example\nSubject: Delivery failure`)).toBe(reason);
  });

  it('flags a bounce sent with an empty Return-Path', async () => {
    expect(await reasonFor(`Return-Path: <>\nFrom: Mail System <system@gone.example>\nTo: support@fernhill.example\nSubject: failure notice`)).toBe('bounce (empty Return-Path)');
  });

  it.each([
    'Out of Office: Re: Cracked lid',
    'Out of office',
    'Out of the office until 10 November',
    'Automatic reply: Cracked lid on order FH-1042',
    'Auto: Cracked lid',
    'Autoreply: Cracked lid',
    'Auto-Reply: Cracked lid',
    'Abwesenheitsnotiz: Ihre Bestellung',
    'Automatische Antwort: Ihre Bestellung',
    'Réponse automatique : Votre commande',
    'Fuera de la oficina',
    'Respuesta automática: Su pedido',
    'Afwezig: Uw bestelling',
    'Automatisch antwoord: Uw bestelling',
    'Frånvaro: Din beställning',
    'Automatiskt svar: Din beställning',
  ])('flags the out-of-office subject "%s"', async (subject) => {
    expect(await reasonFor(`${person}\nSubject: ${subject}`)).toBe('out of office');
  });

  it('is a pure function of the parsed message', async () => {
    const m = await parseMessage(Buffer.from(`${person}\r\nSubject: Automatic reply: pan\r\nMessage-ID: <p@x>\r\n\r\nAway.\r\n`));
    expect(classifyAutomated(m)).toEqual({ reason: 'out of office' });
    expect(classifyAutomated({ ...m, subject: 'pan' })).toEqual({ reason: null });
  });
});
