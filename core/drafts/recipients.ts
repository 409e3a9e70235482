import type { AddressJson } from '../db/schema.ts';

export interface Recipients {
  to: AddressJson[];
  cc: AddressJson[];
}

/**
 * A filter that lets each address through once, across every list it is given in turn (To before Cc, so
 * someone on both gets the mail once, in To), and none of `skip` (our own addresses).
 */
export function onceEach(skip: { has(address: string): boolean } = new Set()): (a: AddressJson) => boolean {
  const seen = new Set<string>();
  return (a) => {
    const key = a.address.toLowerCase();
    if (!key || skip.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  };
}

/**
 * Reply-all without leaking: the reply goes to the customer (their Reply-To if they set one), Cc keeps
 * the other outside people who were on their message, and never any address of ours.
 */
export function replyRecipients(
  message: { from_address: string | null; from_name: string | null; reply_to: AddressJson[]; to: AddressJson[]; cc: AddressJson[] },
  ours: Set<string>,
): Recipients {
  const keep = onceEach(ours);
  const primary = message.reply_to.length > 0 ? message.reply_to : message.from_address ? [{ address: message.from_address, name: message.from_name ?? '' }] : [];
  const to = primary.filter(keep);
  const cc = [...message.to, ...message.cc].filter(keep);
  return { to, cc };
}

export function replySubject(subject: string): string {
  const s = subject.trim();
  return /^re\s*:/i.test(s) ? s : `Re: ${s || '(no subject)'}`;
}
