import type { Ctx } from '../../core/context.ts';
import { type IntakeResult, ingestMessage } from '../../core/intake/intake.ts';

export const US = 'support@fernhill.example';

/** An RFC 5322 date for a UTC instant as a sender at that UTC offset writes it: "Tue, 03 Nov 2026 16:00:00 +0100". */
export function dateHeader(iso: string, offsetMinutes = 60): string {
  const d = new Date(new Date(iso).getTime() + offsetMinutes * 60_000);
  const two = (n: number) => String(n).padStart(2, '0');
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const abs = Math.abs(offsetMinutes);
  return `${day}, ${two(d.getUTCDate())} ${month} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${offsetMinutes < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}${two(abs % 60)}`;
}

export interface Mail {
  id: string;
  from: string;
  to: string;
  subject: string;
  /** The UTC instant it was sent. */
  at: string;
  offset?: number;
  body: string;
  inReplyTo?: string;
}

export function raw(m: Mail): Buffer {
  return Buffer.from(
    [
      `From: ${m.from}`,
      `To: ${m.to}`,
      `Subject: ${m.subject}`,
      `Date: ${dateHeader(m.at, m.offset ?? 60)}`,
      `Message-ID: <${m.id}>`,
      ...(m.inReplyTo ? [`In-Reply-To: <${m.inReplyTo}>`, `References: <${m.inReplyTo}>`] : []),
      '',
      m.body,
      '',
    ].join('\r\n'),
  );
}

/**
 * Mail through the real ingest path, as IMAP would bring it: a customer writing (from them to us) or our
 * answer sent from another mail program (from us to them). The caller's clock should be at or after `at`.
 */
export function deliver(ctx: Ctx, mailboxId: number | null, m: Mail): Promise<IntakeResult> {
  return ingestMessage(ctx, { source: raw(m), origin: 'imap', mailboxId, historical: false });
}
