/**
 * Whether bytes given to import are mail at all: a header block (RFC 5322 fields up to the first empty
 * line) naming at least one of From, Date or Message-ID. Anything else would become a blank conversation.
 */
const FIELD = /^([!-9;-~]+):/;
const IDENTIFYING = new Set(['from', 'date', 'message-id']);

/** Why `source` is not mail, or null when it is. */
export function whyNotMail(source: Buffer): string | null {
  const end = headerEnd(source);
  const head = source.subarray(0, end);
  if (head.includes(0)) return 'it has no mail header block';
  const lines = head.toString('latin1').split(/\r?\n/);
  if (!FIELD.test(lines[0]!)) return 'it has no mail header block';
  // Later malformed lines are tolerated, as mail parsers do: real mail has them.
  const names = new Set(lines.map((l) => FIELD.exec(l)?.[1]?.toLowerCase()));
  return [...IDENTIFYING].some((n) => names.has(n)) ? null : 'it has none of the From, Date or Message-ID headers';
}

/** Where the header block ends: at the first empty line, or the end of the data. */
function headerEnd(source: Buffer): number {
  const crlf = source.indexOf('\r\n\r\n');
  const lf = source.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i !== -1);
  return ends.length ? Math.min(...ends) : source.length;
}
