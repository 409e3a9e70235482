/**
 * Pure threading rules. A conversation is a connected set of messages, linked when they share a thread
 * key (their own Message-ID, any Message-ID they reference, seen or not, or Outlook's Thread-Index root),
 * or when one of them names no parent and both are from the same customer, about the same threadable
 * subject, within the subject window. Every link is a property of a pair of messages, so the grouping
 * is the same whatever order the messages arrive in.
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

/**
 * Every key by which this message joins a conversation, strongest first: its own Message-ID, its parent,
 * its other ancestors nearest first, Outlook's Thread-Index root. When staff have split conversations
 * apart and a message points into both, the first key's conversation takes it.
 */
export function threadKeys(h: ThreadHeaders): string[] {
  const keys = [h.messageId, ...(h.inReplyTo ? [h.inReplyTo] : []), ...[...h.references].reverse()].map(messageIdKey);
  const ti = threadIndexKey(h.threadIndex);
  if (ti) keys.push(ti);
  return [...new Set(keys)];
}

/** A message that names no parent: only such a message joins a conversation by its subject. */
export function isSubjectOnly(h: Pick<ThreadHeaders, 'inReplyTo' | 'references'>): boolean {
  return !h.inReplyTo && h.references.length === 0;
}

/**
 * The normalized subject a message threads by. Outlook's Thread-Topic is the thread's subject with no
 * prefix in any language ("Vá:", "ΑΠ:"), so it wins when present.
 */
export function threadSubject(subject: string, threadTopic?: string | null): string {
  return (threadTopic ? normalizeSubject(threadTopic) : '') || normalizeSubject(subject);
}

/** Subjects too generic to join conversations on their own ("hi", "question", empty). */
export function subjectCanThread(normalized: string): boolean {
  return normalized.length >= 4 && !GENERIC.has(normalized);
}
const GENERIC = new Set([
  'hello',
  'help',
  'question',
  'questions',
  'hallo',
  'hola',
  'bonjour',
  'thanks',
  'thank you',
  'no subject',
  '(no subject)',
  'info',
  'inquiry',
  'enquiry',
  'order',
]);
