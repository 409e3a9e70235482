import MailComposer from 'nodemailer/lib/mail-composer';
import type { AddressJson } from '../db/schema.ts';

export interface ReplyParts {
  messageId: string;
  date: Date;
  from: { name: string; address: string };
  to: AddressJson[];
  cc: AddressJson[];
  subject: string;
  body: string;
  signature: string;
  /** Files sent along, each a MIME part of its own; none when left out. */
  attachments?: Array<{ filename: string; contentType: string; content: Buffer }>;
  /** The customer's message we answer: threading headers and the quote below our text. */
  answering: { messageId: string; references: string[]; date: Date; fromName: string | null; fromAddress: string | null; text: string } | null;
}

/** Header values come only from validated fields: a line break in any of them would forge headers. */
function headerSafe(value: string, field: string): string {
  if (/[\r\n\0]/.test(value)) throw new Error(`${field} contains a line break`);
  return value;
}

function attribution(a: NonNullable<ReplyParts['answering']>): string {
  const when = a.date.toUTCString().replace(/ GMT$/, ' UTC');
  const who = a.fromName ? `${a.fromName} <${a.fromAddress ?? ''}>` : (a.fromAddress ?? 'you');
  return `On ${when}, ${who} wrote:`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function paragraphsHtml(text: string): string {
  return text
    .trim()
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

const flat = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * True when the person's text already quotes the message it answers (a `> ` line of theirs, as the
 * close-the-loop note does): quoting the whole message below as well would give their words twice.
 */
export function quotesAnswered(body: string, answeredText: string): boolean {
  const answered = flat(answeredText);
  const quoted = body
    .split('\n')
    .filter((l) => /^\s*>/.test(l))
    .map((l) => flat(l.replace(/^\s*>\s?/, '')));
  return quoted.some((line) => line.length >= 12 && answered.includes(line));
}

/**
 * The reply as the customer will see it: the person's words, their signature, and the customer's
 * message quoted below (unless the words quote it already), in plain text and HTML, threaded with
 * In-Reply-To and References.
 */
export async function buildReply(p: ReplyParts): Promise<Buffer> {
  const quoted = p.answering && !quotesAnswered(p.body, p.answering.text) ? p.answering : null;
  const quoteText = quoted
    ? `\n\n${attribution(quoted)}\n${quoted.text
        .trim()
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n')}\n`
    : '\n';
  const text = `${p.body.trim()}\n\n${p.signature.trim()}${quoteText}`;
  const html = [
    '<!doctype html><html><body>',
    paragraphsHtml(p.body),
    `<p>${escapeHtml(p.signature.trim()).replace(/\n/g, '<br>')}</p>`,
    quoted
      ? `<p>${escapeHtml(attribution(quoted))}</p>\n<blockquote style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">${paragraphsHtml(quoted.text)}</blockquote>`
      : '',
    '</body></html>',
  ].join('\n');
  const references = p.answering ? [...p.answering.references, p.answering.messageId].slice(-20) : [];
  const composer = new MailComposer({
    messageId: `<${headerSafe(p.messageId, 'Message-ID')}>`,
    date: p.date,
    from: { name: headerSafe(p.from.name, 'From name'), address: headerSafe(p.from.address, 'From') },
    replyTo: p.from.address,
    to: p.to.map((a) => ({ name: headerSafe(a.name, 'To name'), address: headerSafe(a.address, 'To') })),
    cc: p.cc.map((a) => ({ name: headerSafe(a.name, 'Cc name'), address: headerSafe(a.address, 'Cc') })),
    subject: headerSafe(p.subject, 'Subject'),
    inReplyTo: p.answering ? `<${headerSafe(p.answering.messageId, 'In-Reply-To')}>` : undefined,
    references: references.map((r) => `<${headerSafe(r, 'References')}>`),
    text,
    html,
    // Base64 whatever the type: the customer gets the very bytes attached (a text file's line ends untouched).
    attachments: (p.attachments ?? []).map((a) => ({
      filename: headerSafe(a.filename, 'Attachment name'),
      contentType: headerSafe(a.contentType, 'Attachment type'),
      content: a.content,
      contentDisposition: 'attachment' as const,
      contentTransferEncoding: 'base64' as const,
    })),
  });
  const built = await new Promise<Buffer>((resolve, reject) => composer.compile().build((err, message) => (err ? reject(err) : resolve(message))));
  // The composer leaves our text's bare LFs as they are; the wire (and the Sent copy) has CRLF. One form
  // everywhere keeps what we sent byte-identical to what the mail server files.
  return Buffer.from(built.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}
