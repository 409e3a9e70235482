/**
 * Turns the raw bytes of one message into what Longhand stores. Built on mailparser's simpleParser
 * for bodies and attachments; headers are read from the raw header block by our own scanner, so the
 * same code serves the normal path and the fallback, raw 8-bit headers in Latin-1 come out readable,
 * and every value is sanitized the same way. parseMessage never throws: whatever the input, a
 * message comes back, with warnings saying what could not be read.
 */
import { createHash } from 'node:crypto';
import { type AddressObject, type EmailAddress, parseAddressHeader, simpleParser } from 'mailparser';

export interface MailAddress {
  /** As given, trimmed (callers lower-case when comparing). */
  address: string;
  name: string;
}

export interface ParsedAttachment {
  sha256: string;
  size: number;
  content: Buffer;
  /** Safe to show and to use as a download name: no path, no control characters, at most 200 characters. */
  filename: string;
  contentType: string;
  /** Content-ID without angle brackets. */
  contentId: string | null;
  /** Shown inside the HTML body (referenced by a cid: link) rather than listed as a file. */
  inline: boolean;
}

export interface ParseLimits {
  /** Larger messages are read from their headers only (IMAP sync never fetches more; an import might hand us anything). */
  maxMessageBytes: number;
  maxAttachments: number;
  maxAttachmentBytes: number;
  maxHeaderLines: number;
  maxMimeDepth: number;
  maxHtmlBytes: number;
}

export const DEFAULT_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxMessageBytes: 25 * 1024 * 1024,
  maxAttachments: 100,
  maxAttachmentBytes: 25 * 1024 * 1024,
  maxHeaderLines: 2000,
  maxMimeDepth: 30,
  maxHtmlBytes: 2 * 1024 * 1024,
});

export interface ParsedMessage {
  /** Without angle brackets. */
  messageId: string;
  syntheticMessageId: boolean;
  inReplyTo: string | null;
  references: string[];
  threadIndex: string | null;
  subject: string;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  date: Date | null;
  utcOffsetMinutes: number | null;
  text: string;
  html: string | null;
  attachments: ParsedAttachment[];
  /** Lower-cased header name → first occurrence, decoded. */
  headers: Record<string, string>;
  contentType: string;
  warnings: string[];
  sizeBytes: number;
  sourceSha256: string;
}

/** Bytes of header block we look at at most; mailparser refuses more than 1 MiB anyway. */
const MAX_HEAD_BYTES = 1024 * 1024;
/** Longest header value kept in `headers`. */
const MAX_HEADER_VALUE = 16 * 1024;
const MAX_SUBJECT = 2000;
const MAX_NAME = 500;
/** Most Message-IDs kept from References (the first, the thread root, and the latest ones). */
const MAX_REFERENCES = 200;
const MAX_ID_BYTES = 500;
/** Plain text kept from the body when only the headers could be parsed. */
const MAX_FALLBACK_TEXT = 1024 * 1024;
/** Headers kept past the header line limit: what threading, display and MIME structure need. */
const ESSENTIAL_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'thread-index',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
  'auto-submitted',
  'precedence',
  'list-id',
  'list-unsubscribe',
  'return-path',
]);

export async function parseMessage(source: Buffer, limits?: Partial<ParseLimits>): Promise<ParsedMessage> {
  const lim = resolveLimits(limits);
  const input: unknown = source;
  const src = Buffer.isBuffer(input) ? input : input instanceof Uint8Array ? Buffer.from(input) : typeof input === 'string' ? Buffer.from(input) : Buffer.alloc(0);
  const sourceSha256 = createHash('sha256').update(src).digest('hex');
  try {
    return await parseFully(src, sourceSha256, lim);
  } catch (err) {
    try {
      return fromHeadersOnly(src, sourceSha256, lim, [`could not parse the message (${errorText(err)}): only its headers were read`], true);
    } catch (err2) {
      return bareMessage(src, sourceSha256, [`could not parse the message (${errorText(err2)})`]);
    }
  }
}

function resolveLimits(limits?: Partial<ParseLimits>): ParseLimits {
  const out: ParseLimits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ParseLimits)[]) {
    const v = limits?.[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[key] = Math.floor(v);
  }
  return out;
}

async function parseFully(src: Buffer, sourceSha256: string, lim: ParseLimits): Promise<ParsedMessage> {
  const warnings: string[] = [];
  if (src.length === 0) warnings.push('the message is empty');
  if (src.length > lim.maxMessageBytes) {
    return fromHeadersOnly(
      src,
      sourceSha256,
      lim,
      [`the message (${formatBytes(src.length)}) is over the limit of ${formatBytes(lim.maxMessageBytes)}: only its headers were read, the body and attachments were skipped`],
      false,
    );
  }

  const depth = mimeDepth(src, lim.maxMimeDepth);
  if (depth > lim.maxMimeDepth) {
    return fromHeadersOnly(
      src,
      sourceSha256,
      lim,
      [`MIME parts are nested more than ${lim.maxMimeDepth} levels deep: only the headers were read, the body and attachments were skipped`],
      false,
    );
  }

  const head = readHead(src, lim.maxHeaderLines);
  if (head.truncated) {
    warnings.push(
      `the header block has ${head.physicalLines} lines, over the limit of ${lim.maxHeaderLines}: headers past the limit were skipped, except those needed to read the message`,
    );
  }
  const parserInput = head.truncated ? Buffer.concat([Buffer.from(`${head.fields.map((f) => f.raw).join('\r\n')}\r\n\r\n`, 'latin1'), src.subarray(head.bodyOffset)]) : src;

  const mail = await simpleParser(parserInput, {
    keepCidLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    checksumAlgo: false,
    maxHtmlLengthToParse: Math.max(lim.maxHtmlBytes, 1),
  });

  const msg = messageFromHeaders(head, src, sourceSha256);

  let text = cleanBody(mail.text ?? '');
  let html = typeof mail.html === 'string' ? mail.html.replace(/\0/g, '') : null;
  if (mail.textConversionError) {
    warnings.push(`the HTML body could not be converted to plain text (${errorText(mail.textConversionError)})`);
  }
  if (text.includes('\uFFFD')) warnings.push('the text has bytes that are not valid in its declared character set: they are shown as �');
  if (html !== null) {
    const bytes = Buffer.byteLength(html);
    if (bytes > lim.maxHtmlBytes) {
      html = Buffer.from(html)
        .subarray(0, lim.maxHtmlBytes)
        .toString('utf8')
        .replace(/\uFFFD+$/, '');
      warnings.push(`the HTML body (${formatBytes(bytes)}) is over the limit of ${formatBytes(lim.maxHtmlBytes)}: it was cut short`);
    }
    if (html.trim() === '') html = null;
  }
  if (text.trim() === '' && html === null) text = '';

  const attachments: ParsedAttachment[] = [];
  let overCount = 0;
  for (const [i, a] of mail.attachments.entries()) {
    const content = Buffer.isBuffer(a.content) ? a.content : Buffer.alloc(0);
    const filename = safeFilename(a.filename, i, (a.contentType || '').toLowerCase());
    if (content.length > lim.maxAttachmentBytes) {
      warnings.push(`attachment "${filename}" (${formatBytes(content.length)}) is over the limit of ${formatBytes(lim.maxAttachmentBytes)} per attachment: skipped`);
      continue;
    }
    if (attachments.length >= lim.maxAttachments) {
      overCount++;
      continue;
    }
    const contentId = stripBrackets(a.cid ?? a.contentId ?? '') || null;
    attachments.push({
      sha256: createHash('sha256').update(content).digest('hex'),
      size: content.length,
      content,
      filename,
      contentType: cleanContentType(a.contentType) || 'application/octet-stream',
      contentId,
      inline: contentId !== null && (a.related === true || html?.includes(`cid:${contentId}`) === true),
    });
  }
  if (overCount > 0) {
    warnings.push(
      `the message has ${attachments.length + overCount} attachments, over the limit of ${lim.maxAttachments}: the last ${overCount === 1 ? 'one was' : `${overCount} were`} skipped`,
    );
  }

  return { ...msg, text, html, attachments, warnings: [...msg.warnings, ...warnings] };
}

/** The message as far as the raw header block tells; used when the body cannot or must not be parsed. */
function fromHeadersOnly(src: Buffer, sourceSha256: string, lim: ParseLimits, reasons: string[], tryBody: boolean): ParsedMessage {
  const head = readHead(src, lim.maxHeaderLines);
  const warnings = [...reasons];
  if (src.length === 0) warnings.push('the message is empty');
  if (head.truncated) warnings.push(`the header block has ${head.physicalLines} lines, over the limit of ${lim.maxHeaderLines}: headers past the limit were skipped`);
  const msg = messageFromHeaders(head, src, sourceSha256);
  let text = '';
  if (tryBody) {
    const cte = (msg.headers['content-transfer-encoding'] ?? '').toLowerCase().trim();
    if (msg.contentType === 'text/plain' && (cte === '' || cte === '7bit' || cte === '8bit' || cte === 'binary')) {
      text = cleanBody(decodeBytes(src.subarray(head.bodyOffset, head.bodyOffset + MAX_FALLBACK_TEXT)));
    }
  }
  return { ...msg, text, warnings: [...warnings, ...msg.warnings] };
}

/** Last resort: nothing could be read. */
function bareMessage(src: Buffer, sourceSha256: string, warnings: string[]): ParsedMessage {
  return {
    messageId: syntheticId(sourceSha256),
    syntheticMessageId: true,
    inReplyTo: null,
    references: [],
    threadIndex: null,
    subject: '',
    from: null,
    to: [],
    cc: [],
    replyTo: [],
    date: null,
    utcOffsetMinutes: null,
    text: '',
    html: null,
    attachments: [],
    headers: {},
    contentType: 'text/plain',
    warnings: [...warnings, 'no Message-ID header: a synthetic one was derived from the message bytes'],
    sizeBytes: src.length,
    sourceSha256,
  };
}

// ---------------------------------------------------------------------------------------------
// Headers

interface RawField {
  /** Lower-cased header name. */
  name: string;
  /** The field as it stands in the source (latin1 string, folding kept, no final line break). */
  raw: string;
  /** Unfolded value, bytes decoded (UTF-8, else Windows-1252); encoded words NOT decoded. */
  value: string;
}

interface Head {
  fields: RawField[];
  bodyOffset: number;
  physicalLines: number;
  truncated: boolean;
}

/** Reads the top-level header block from the raw bytes, keeping at most `maxLines` physical lines (plus essential headers). */
function readHead(src: Buffer, maxLines: number): Head {
  const { end, bodyOffset } = headEnd(src);
  const block = src.subarray(0, Math.min(end, MAX_HEAD_BYTES)).toString('latin1');
  const lines = block.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const fields: RawField[] = [];
  let current: string[] | null = null;
  let currentIndex = 0;
  let truncated = false;
  const flush = (): void => {
    if (!current) return;
    const raw = current.join('\r\n');
    const colon = raw.indexOf(':');
    const name = raw.slice(0, colon).trim().toLowerCase();
    if (/^[!-9;-~]+$/.test(name) && (currentIndex < maxLines || ESSENTIAL_HEADERS.has(name))) {
      if (currentIndex >= maxLines && fields.some((f) => f.name === name)) {
        // essential header repeated past the limit: the first one is enough
      } else {
        const unfolded = raw.slice(colon + 1).replace(/\r?\n(?=[ \t])/g, '');
        fields.push({ name, raw, value: decodeBytes(Buffer.from(unfolded, 'latin1')).trim() });
      }
    }
    current = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (i >= maxLines) truncated = true;
    if ((line.startsWith(' ') || line.startsWith('\t')) && current) {
      current.push(line);
      continue;
    }
    flush();
    if (line.indexOf(':') > 0) {
      current = [line];
      currentIndex = i;
    }
  }
  flush();
  return { fields, bodyOffset, physicalLines: lines.length, truncated };
}

/** Where the header block ends (first empty line) and the body starts. */
function headEnd(src: Buffer): { end: number; bodyOffset: number } {
  if (src.length === 0) return { end: 0, bodyOffset: 0 };
  if (src[0] === 0x0a) return { end: 0, bodyOffset: 1 };
  if (src[0] === 0x0d && src[1] === 0x0a) return { end: 0, bodyOffset: 2 };
  const limit = Math.min(src.length, MAX_HEAD_BYTES + 4);
  let pos = 0;
  while (pos < limit) {
    const nl = src.indexOf(0x0a, pos);
    if (nl === -1 || nl >= limit) break;
    // an empty line follows this line break?
    if (src[nl + 1] === 0x0a) return { end: nl + 1, bodyOffset: nl + 2 };
    if (src[nl + 1] === 0x0d && src[nl + 2] === 0x0a) return { end: nl + 1, bodyOffset: nl + 3 };
    pos = nl + 1;
  }
  return { end: Math.min(src.length, MAX_HEAD_BYTES), bodyOffset: src.length };
}

function messageFromHeaders(head: Head, src: Buffer, sourceSha256: string): ParsedMessage {
  const warnings: string[] = [];
  const first = (name: string): string | null => head.fields.find((f) => f.name === name)?.value ?? null;
  const all = (name: string): string[] => head.fields.filter((f) => f.name === name).map((f) => f.value);

  const headers = new Map<string, string>();
  for (const f of head.fields) {
    if (!headers.has(f.name)) headers.set(f.name, cleanLine(decodeWords(f.value)).slice(0, MAX_HEADER_VALUE));
  }
  if (src.length > 0 && head.fields.length === 0) warnings.push('no mail headers were found');

  const rawId = first('message-id');
  let messageId = rawId !== null ? firstMessageId(decodeWords(rawId)) : null;
  let synthetic = false;
  if (!messageId) {
    messageId = syntheticId(sourceSha256);
    synthetic = true;
    warnings.push('no Message-ID header: a synthetic one was derived from the message bytes');
  }
  const rawReply = first('in-reply-to');
  const inReplyTo = rawReply !== null ? firstMessageId(decodeWords(rawReply)) : null;
  const references = limitReferences(all('references').flatMap((v) => messageIdList(decodeWords(v))));

  const dateHeader = first('date');
  const { date, offset } = dateHeader !== null ? parseDate(decodeWords(dateHeader)) : { date: null, offset: null };

  const threadIndexRaw = first('thread-index');
  const threadIndex = threadIndexRaw ? cleanId(threadIndexRaw) || null : null;

  const contentTypeRaw = first('content-type');
  const contentType = (contentTypeRaw !== null && cleanContentType(decodeWords(contentTypeRaw))) || 'text/plain';

  const from = addresses(all('from'))[0] ?? null;

  return {
    messageId,
    syntheticMessageId: synthetic,
    inReplyTo,
    references,
    threadIndex,
    subject: cleanLine(decodeWords(first('subject') ?? '')).slice(0, MAX_SUBJECT),
    from,
    to: addresses(all('to')),
    cc: addresses(all('cc')),
    replyTo: addresses(all('reply-to')),
    date,
    utcOffsetMinutes: offset,
    text: '',
    html: null,
    attachments: [],
    headers: Object.fromEntries(headers),
    contentType,
    warnings,
    sizeBytes: src.length,
    sourceSha256,
  };
}

function syntheticId(sha: string): string {
  return `${sha.slice(0, 32)}@synthetic.longhand`;
}

/** Address header values (not yet encoded-word decoded) → flat list of mailboxes; groups flattened, entries without address skipped. */
function addresses(values: string[]): MailAddress[] {
  if (values.length === 0) return [];
  let parsed: AddressObject;
  try {
    parsed = parseAddressHeader(values, { flatten: true });
  } catch {
    return [];
  }
  const out: MailAddress[] = [];
  const walk = (list: EmailAddress[]): void => {
    for (const a of list) {
      if (a.group) walk(a.group);
      const address = cleanLine(a.address ?? '').replace(/\s+/g, '');
      if (!address) continue;
      out.push({ address, name: cleanLine(a.name ?? '').slice(0, MAX_NAME) });
    }
  };
  walk(parsed.value ?? []);
  return out;
}

/** The first `<id>` of a header value, without brackets; a bare id (no brackets) when it looks like one. */
function firstMessageId(value: string): string | null {
  const bracketed = /<([^<>]*)>/.exec(value);
  if (bracketed) {
    const id = cleanId(bracketed[1]!);
    if (id) return id;
  }
  const token = value.split(/[\s,]+/).find((t) => t.includes('@') && !/[<>]/.test(t));
  return token ? cleanId(token) || null : null;
}

/** Every Message-ID of a References value: `<a> <b>`, or whitespace-separated bare ids. */
function messageIdList(value: string): string[] {
  const bracketed = [...value.matchAll(/<([^<>]*)>/g)].map((m) => cleanId(m[1]!)).filter(Boolean);
  if (bracketed.length) return bracketed;
  return value
    .split(/[\s,]+/)
    .map(cleanId)
    .filter((t) => t.length > 0);
}

function limitReferences(ids: string[]): string[] {
  const unique = [...new Set(ids)];
  return unique.length > MAX_REFERENCES ? [unique[0]!, ...unique.slice(-(MAX_REFERENCES - 1))] : unique;
}

/**
 * A Message-ID as we keep it: no spaces, controls or brackets. One longer than MAX_ID_BYTES (real ones are a few
 * dozen characters; the database indexes at most about 2,700 bytes) is replaced by a digest of itself, the same
 * wherever it appears, so the message and the replies that reference it still thread.
 */
function cleanId(id: string): string {
  const clean = id.replace(/[\s\u0000-\u001f\u007f<>]/g, '');
  return Buffer.byteLength(clean) > MAX_ID_BYTES ? `${createHash('sha256').update(clean).digest('hex')}@long-id.invalid` : clean;
}

function stripBrackets(id: string): string {
  return cleanId(id.trim().replace(/^<|>$/g, ''));
}

const ZONES: Record<string, number> = { UT: 0, UTC: 0, GMT: 0, Z: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420 };

/** The Date header: the instant (null when missing or unreadable) and the writer's UTC offset in minutes. */
export function parseDate(value: string): { date: Date | null; offset: number | null } {
  const cleaned = value
    .replace(/\([^()]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!cleaned) return { date: null, offset: null };
  let offset: number | null = null;
  const numeric = /(?:^|[\s\d])([+-])(\d{2}):?(\d{2})$/.exec(cleaned);
  if (numeric) {
    const hours = Number(numeric[2]);
    const minutes = Number(numeric[3]);
    // "-0000" says the writer's zone is unknown (RFC 5322 3.3).
    if (hours <= 14 && minutes < 60 && !(numeric[1] === '-' && hours === 0 && minutes === 0)) {
      offset = (numeric[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
    }
  } else {
    const named = /(?:^|[\s\d])([A-Za-z]{1,3})$/.exec(cleaned);
    const zone = named ? ZONES[named[1]!.toUpperCase()] : undefined;
    if (zone !== undefined) offset = zone;
  }
  let ms = Date.parse(cleaned);
  if (Number.isNaN(ms)) ms = Date.parse(cleaned.replace(/^[A-Za-z]+,?\s*/, ''));
  const date = Number.isNaN(ms) ? null : new Date(ms);
  if (date && (date.getUTCFullYear() < 1900 || date.getUTCFullYear() > 9999)) return { date: null, offset };
  return { date, offset };
}

function cleanContentType(value: string | undefined): string {
  return (value ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9!#$&^_.+\-/]/g, '');
}

// ---------------------------------------------------------------------------------------------
// Text helpers

/** One-line value: CR, LF, NUL and other control characters removed, whitespace folded. */
function cleanLine(value: string): string {
  return value
    .replace(/[\r\n\t\v\f]+/g, ' ')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}

function cleanBody(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(/\0/g, '');
}

/** Bytes as UTF-8 when they are valid UTF-8, else as Windows-1252 (the usual raw 8-bit header). */
function decodeBytes(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    try {
      return new TextDecoder('windows-1252').decode(bytes);
    } catch {
      return bytes.toString('latin1');
    }
  }
}

function decodeCharset(bytes: Buffer, charset: string): string {
  const label = charset.toLowerCase().split('*')[0]!.trim();
  // UTF-7 can smuggle markup past filters; treat like an unknown charset.
  if (!/^(unicode-1-1-)?utf-?7/.test(label)) {
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // unknown charset label: fall through
    }
  }
  return decodeBytes(bytes);
}

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

/** RFC 2047 encoded words; adjacent words of one charset are joined before decoding, so split characters survive. */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  let out = '';
  let last = 0;
  let pending: { charset: string; parts: Buffer[] } | null = null;
  const flush = (): void => {
    if (pending) out += decodeCharset(Buffer.concat(pending.parts), pending.charset);
    pending = null;
  };
  for (const m of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, m.index);
    const charset = m[1]!;
    const bytes = m[2]!.toUpperCase() === 'B' ? Buffer.from(m[3]!, 'base64') : decodeQ(m[3]!);
    if (pending !== null && /^\s*$/.test(between)) {
      const p: { charset: string; parts: Buffer[] } = pending;
      if (p.charset.toLowerCase() === charset.toLowerCase()) p.parts.push(bytes);
      else {
        flush();
        pending = { charset, parts: [bytes] };
      }
    } else {
      flush();
      out += between;
      pending = { charset, parts: [bytes] };
    }
    last = m.index + m[0].length;
  }
  flush();
  return out + value.slice(last);
}

function decodeQ(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '_') bytes.push(0x20);
    else if (c === '=' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'text/plain': 'txt',
  'text/html': 'html',
  'text/csv': 'csv',
  'text/calendar': 'ics',
  'application/zip': 'zip',
  'message/rfc822': 'eml',
  'message/delivery-status': 'txt',
  'application/json': 'json',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

/** A file name safe to display and download: last path segment, no control or bidi-override characters, ≤ 200 characters. */
export function safeFilename(name: string | undefined, index: number, contentType: string): string {
  let n = (name ?? '').normalize('NFC');
  n = n.split(/[/\\]/).pop() ?? '';
  n = n
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  const chars = Array.from(n);
  if (chars.length > 200) {
    const dot = n.lastIndexOf('.');
    const ext = dot > 0 ? Array.from(n.slice(dot)) : [];
    n = ext.length > 1 && ext.length <= 16 ? chars.slice(0, 200 - ext.length).join('') + ext.join('') : chars.slice(0, 200).join('');
  }
  if (n) return n;
  return `attachment-${index + 1}.${EXTENSIONS[cleanContentType(contentType)] ?? 'bin'}`;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Number((n / 1024 / 1024).toFixed(1))} MiB`;
  if (n >= 1024) return `${Number((n / 1024).toFixed(1))} KiB`;
  return `${n} bytes`;
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return cleanLine(text).slice(0, 200) || 'unknown error';
}

// ---------------------------------------------------------------------------------------------
// MIME depth, from the raw bytes, without parsing bodies

/**
 * How deeply multipart bodies (and embedded messages) nest, scanning lines once. Stops as soon as
 * the depth passes `stopAbove`. Boundaries are tracked on a stack, so sibling parts do not add up.
 */
export function mimeDepth(src: Buffer, stopAbove = Infinity): number {
  const text = src.toString('latin1');
  // open multipart boundaries, each with the nesting level of its multipart
  const stack: { boundary: string; level: number }[] = [];
  // message/rfc822 parts opened since the innermost boundary line: each adds a level
  let embedded = 0;
  const level = (): number => (stack.length ? stack[stack.length - 1]!.level : 0) + embedded;
  let max = 0;
  let inHeader = true;
  let contentType = '';
  let collecting = false;
  let pos = 0;
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = text.length;
    let line = text.slice(pos, nl);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    pos = nl + 1;
    if (inHeader) {
      if (line === '') {
        const ct = contentType.toLowerCase();
        inHeader = false;
        if (/^\s*multipart\//.test(ct)) {
          const b = /boundary\s*=\s*(?:"([^"]*)"|([^\s;]+))/i.exec(contentType);
          const boundary = b ? (b[1] ?? b[2] ?? '') : '';
          if (boundary) {
            stack.push({ boundary, level: level() + 1 });
            embedded = 0;
          }
        } else if (/^\s*message\/(rfc822|global)\b/.test(ct)) {
          // an embedded message: its own header block follows
          embedded++;
          inHeader = true;
        }
        max = Math.max(max, level());
        if (max > stopAbove) return max;
        contentType = '';
        collecting = false;
      } else if ((line[0] === ' ' || line[0] === '\t') && collecting) {
        contentType += line;
      } else {
        collecting = /^content-type\s*:/i.test(line);
        if (collecting) contentType = line.slice(line.indexOf(':') + 1);
      }
      continue;
    }
    if (line.startsWith('--') && stack.length) {
      const t = line.trimEnd();
      for (let i = stack.length - 1; i >= 0; i--) {
        const marker = `--${stack[i]!.boundary}`;
        if (t === `${marker}--`) {
          stack.length = i;
          embedded = 0;
          break;
        }
        if (t === marker) {
          stack.length = i + 1;
          embedded = 0;
          inHeader = true;
          contentType = '';
          collecting = false;
          break;
        }
      }
    }
  }
  return max;
}
