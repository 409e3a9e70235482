/**
 * Pure threading rules. A conversation is the connected set of messages that share a thread key:
 * their own Message-ID, any Message-ID they reference (seen or not), or Outlook's Thread-Index root.
 * Union over shared keys gives the same grouping whatever order messages arrive in.
 */

// Reply and forward markers in the languages our customers write: Re, Fwd, AW (de), WG (de), SV (sv/da/no),
// VS (fi), Antw (nl), RIF/R (it), TR (fr), RES/ENC (pt), ODP (pl), 回复/转发/答复 (zh).
const PREFIX = /^\s*(?:(?:re|fwd?|aw|wg|sv|vs|antw|antwort|rif|r|tr|res|enc|odp|ynt|回复|转发|答复)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]|\[[^\]]{1,40}\])\s*/i;

/** The subject with reply/forward prefixes and [list tags] removed, lower-cased, whitespace folded. */
export function normalizeSubject(subject: string): string {
  let s = subject.replace(/\s+/g, ' ').trim();
  for (let previous = ''; previous !== s; ) {
    previous = s;
    s = s.replace(PREFIX, '');
  }
  return s.toLowerCase();
}

/** True when the subject says it answers or forwards something. */
export function isReplySubject(subject: string): boolean {
  return normalizeSubject(subject) !== subject.replace(/\s+/g, ' ').trim().toLowerCase();
}

export interface ThreadHeaders {
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  threadIndex?: string | null;
}

export function messageIdKey(id: string): string {
  return `mid:${id.trim().replace(/^<|>$/g, '')}`;
}

/** Outlook's Thread-Index: its first 22 bytes (time and GUID) are shared by every message of a thread. */
export function threadIndexKey(threadIndex: string | null | undefined): string | null {
  if (!threadIndex) return null;
  const bytes = Buffer.from(threadIndex.trim(), 'base64');
  return bytes.length >= 22 ? `ti:${bytes.subarray(0, 22).toString('base64')}` : null;
}

/** Every key by which this message joins a conversation; its own Message-ID first. */
export function threadKeys(h: ThreadHeaders): string[] {
  const keys = [h.messageId, ...(h.inReplyTo ? [h.inReplyTo] : []), ...h.references].map(messageIdKey);
  const ti = threadIndexKey(h.threadIndex);
  if (ti) keys.push(ti);
  return [...new Set(keys)];
}

/** Subjects too generic to join conversations on their own ("hi", "question", empty). */
export function subjectCanThread(normalized: string): boolean {
  return normalized.length >= 4 && !GENERIC.has(normalized);
}
const GENERIC = new Set(['hello', 'help', 'question', 'questions', 'hallo', 'hola', 'bonjour', 'thanks', 'thank you', 'no subject', '(no subject)', 'info', 'inquiry', 'enquiry', 'order']);
