/**
 * Is this message from a machine rather than a person? Bounces, auto-replies, mailing lists and
 * bulk mail are stored and threaded, but never answered and never counted as the customer writing.
 * Pure: looks only at the parsed message. The reason is short and shown to people as is.
 */
import type { ParsedMessage } from './parse.ts';

/**
 * Subjects that only automatic replies start with, per language. Anchored at the start and ending
 * in a separator (":" or end of subject, or a word only a notice uses), so a person asking about
 * "office chairs out of stock" or writing "Afwezig bij levering" is not caught.
 */
const OUT_OF_OFFICE_SUBJECTS: RegExp[] = [
  // English: Outlook, Exchange, Lotus Notes, assorted autoresponders
  /^out of (?:the )?office(?:\s*$|\s*[:\-–—([]|\s+(?:re\b|reply|auto|autoreply|notice|notification|message|until|from|till)\b)/i,
  /^automatic reply\s*[:：]/i,
  /^auto(?:matic)?[- ]?(?:reply|response)\b/i,
  /^autoreply\b/i,
  /^auto\s*:\s/i,
  // German
  /^abwesenheitsnotiz\b/i,
  /^automatische antwort\s*:/i,
  // French
  /^réponse automatique\s*:/i,
  /^absen(?:t|ce) du bureau(?:\s*$|\s*[:\-–(])/i,
  // Spanish
  /^respuesta automática\s*:/i,
  /^fuera de (?:la )?oficina(?:\s*$|\s*[:\-–(]|\s+(?:hasta|desde)\b)/i,
  // Dutch
  /^automatisch antwoord\s*:/i,
  /^afwezig(?:heid|heidsmelding)?(?:\s*$|\s*[:\-–(]|\s+(?:tot|t\/m|van)\b)/i,
  // Swedish, Danish, Norwegian
  /^automatiskt svar\s*:/i,
  /^autosvar\s*:/i,
  /^frånvaro(?:meddelande)?(?:\s*$|\s*[:\-–(]|\s+(?:till|t\.o\.m\.?|tom)\b)/i,
  // Italian, Portuguese, Polish, Finnish
  /^risposta automatica\s*:/i,
  /^resposta automática\s*:/i,
  /^automatyczna odpowiedź\s*:/i,
  /^automaattinen vastaus\s*:/i,
];

export function classifyAutomated(m: ParsedMessage): { reason: string | null } {
  return { reason: automatedReason(m) };
}

function automatedReason(m: ParsedMessage): string | null {
  const h = (name: string): string | null => {
    const v = m.headers[name];
    return v === undefined ? null : v.trim();
  };

  const contentType = m.contentType.toLowerCase();
  if (contentType === 'multipart/report') {
    const params = (h('content-type') ?? '').toLowerCase();
    if (/report-type\s*=\s*"?disposition-notification/.test(params)) return 'read receipt (disposition notification)';
    return 'bounce (delivery status report)';
  }
  if (contentType === 'message/delivery-status') return 'bounce (delivery status report)';

  const fromLocal = (m.from?.address ?? '').toLowerCase().split('@')[0] ?? '';
  if (fromLocal === 'mailer-daemon' || fromLocal === 'mailerdaemon') return 'bounce (mailer-daemon)';
  if (fromLocal === 'postmaster') return 'bounce (postmaster)';
  if (h('x-failed-recipients')) return 'bounce (X-Failed-Recipients)';

  // RFC 3834: anything but "no" is machine-sent. After the bounce checks: Postfix marks its bounces
  // "auto-replied" too, and a bounce must be known as one to be linked to the reply it returns.
  const autoSubmitted = h('auto-submitted');
  if (autoSubmitted) {
    const value = autoSubmitted.split(';')[0]!.trim().toLowerCase();
    if (value && value !== 'no') return `auto-submitted: ${value}`;
  }

  for (const [name, label] of [
    ['x-autoreply', 'X-Autoreply'],
    ['x-autorespond', 'X-Autorespond'],
    ['x-autoresponder', 'X-Autoresponder'],
  ] as const) {
    const v = h(name);
    if (v !== null && !/^(no|false|0)$/i.test(v)) return `auto-reply (${label})`;
  }
  // Exchange marks its own automatic replies so that they are not answered automatically in turn.
  const suppress = h('x-auto-response-suppress');
  if (suppress && /\b(oof|autoreply)\b/i.test(suppress)) return 'out of office';
  if (suppress && /\ball\b/i.test(suppress)) return 'automatic message (X-Auto-Response-Suppress)';

  const precedence = (h('precedence') ?? '').toLowerCase();
  if (/^(bulk|list|junk)\b/.test(precedence)) return `precedence: ${precedence.match(/^\w+/)![0]}`;
  if (/^auto[_-]?reply\b/.test(precedence)) return 'out of office';

  if (h('list-id')) return 'mailing list (List-Id)';
  if (h('list-unsubscribe')) return 'bulk mail (List-Unsubscribe)';
  if (h('feedback-id')) return 'bulk mail (Feedback-ID)';
  if (h('x-campaign') || h('x-campaignid') || h('x-campaign-id')) return 'bulk mail (X-Campaign)';

  // A null reverse path is what bounces and well-behaved auto-replies are sent with.
  if (h('return-path') === '<>') return 'bounce (empty Return-Path)';

  const subject = m.subject.replace(/\s+/g, ' ').trim();
  if (OUT_OF_OFFICE_SUBJECTS.some((re) => re.test(subject))) return 'out of office';

  return null;
}
