/**
 * Step one of intake: everything about a message that needs only its bytes and a few rules, no database.
 * Pure CPU, so a batch can be prepared on worker threads while the previous batch is written.
 */
import { gzipSync } from 'node:zlib';
import { isReplySubject, isSubjectOnly, threadKeys, threadSubject } from '../conversations/threading.ts';
import { customerAddress } from '../customers/addresses.ts';
import type { Direction } from '../db/schema.ts';
import { detectIntent, type IntentKind } from '../drafts/intent.ts';
import { classifyAutomated } from '../mail/automated.ts';
import { type MailAddress, type ParsedMessage, parseMessage } from '../mail/parse.ts';
import { extractNewText } from '../mail/quotes.ts';
import { OurAddresses, type OurAddressList } from '../mailboxes/our-addresses.ts';

export type Origin = 'imap' | 'import' | 'outbox';

/** What preparing a message needs besides its bytes; plain data, so it crosses to a worker thread. */
export interface PrepareRules {
  ours: OurAddressList;
  plusTagDomains: string[];
  /** The time it reached us, in ms: a message without a usable Date is dated by it. */
  now: number;
}

export interface PrepareTask {
  source: Uint8Array;
  origin: Origin;
  /** What the caller already knows is wrong with the message (e.g. only its headers were fetched). */
  warnings?: string[];
}

/** The parsed message without what intake no longer needs once prepared (the raw header map). */
export type PreparedParse = Omit<ParsedMessage, 'headers'>;

export interface Prepared {
  parsed: PreparedParse;
  /** The Date header, or when it reached us if there is none or it lies in the future. */
  date: Date;
  warnings: string[];
  fromAddress: string | null;
  direction: Direction;
  /** Who the message is with: the sender of incoming mail, the first outside recipient of ours. */
  counterpart: MailAddress | null;
  /** The counterpart's address as customers are keyed by it; null when it must never become a customer. */
  customerAddress: string | null;
  automatedReason: string | null;
  newText: string;
  keys: string[];
  subjectOnly: boolean;
  normalizedSubject: string;
  /** For incoming mail from a person: what they want (the conversation takes it when this is their latest). */
  intent: IntentKind | null;
  /** The source, gzip-compressed for storing. */
  storedSource: Uint8Array;
}

const DAY_MS = 86_400_000;

export async function prepareMessage(task: PrepareTask, rules: PrepareRules): Promise<Prepared> {
  const source = Buffer.from(task.source.buffer, task.source.byteOffset, task.source.byteLength);
  // What we sent was built from bounded parts (a reply's attachments are limited as they are attached): its
  // copy is kept whole, attachments included, even past the size a stranger's message may have.
  const own = task.origin === 'outbox' ? { maxMessageBytes: source.length, maxAttachmentBytes: source.length } : undefined;
  const { headers, ...parsed } = await parseMessage(source, own);
  const ours = new OurAddresses(rules.ours.addresses, rules.ours.domains);
  const warnings = [...(task.warnings ?? []), ...parsed.warnings];
  let date = parsed.date ?? new Date(rules.now);
  if (!parsed.date) warnings.push('no valid Date header: the time it reached us is used');
  if (date.getTime() > rules.now + DAY_MS) {
    warnings.push(`Date header ${date.toISOString()} is in the future: the time it reached us is used`);
    date = new Date(rules.now);
  }
  const fromAddress = parsed.from?.address.toLowerCase() ?? null;
  const direction: Direction = task.origin === 'outbox' || (fromAddress !== null && ours.has(fromAddress)) ? 'out' : 'in';
  const counterpart = direction === 'in' ? parsed.from : ([...parsed.to, ...parsed.cc].find((a) => !ours.has(a.address.toLowerCase())) ?? null);
  const automatedReason = direction === 'in' ? classifyAutomated({ ...parsed, headers }).reason : null;
  const newText = extractNewText(parsed.text).newText;
  const person = direction === 'in' && !automatedReason;
  return {
    parsed,
    date,
    warnings,
    fromAddress,
    direction,
    counterpart,
    customerAddress: counterpart ? customerAddress(counterpart.address, { ours, plusTagDomains: rules.plusTagDomains }) : null,
    automatedReason,
    newText,
    keys: threadKeys(parsed),
    subjectOnly: isSubjectOnly(parsed),
    normalizedSubject: threadSubject(parsed.subject, headers['thread-topic']),
    // A reply's subject is the first message's: "Re: really disappointed" may carry their thanks.
    intent: person ? detectIntent(newText, isReplySubject(parsed.subject) ? undefined : parsed.subject).kind : null,
    // Level 3: nearly the ratio of the default, faster.
    storedSource: gzipSync(source, { level: 3 }),
  };
}
