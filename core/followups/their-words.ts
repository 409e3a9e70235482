import type { Kysely } from 'kysely';
import { gistOf, withoutGreeting } from '../customers/card.ts';
import type { DB } from '../db/schema.ts';
import { detectIntent } from '../drafts/intent.ts';
import { shorten } from '../drafts/templates.ts';

const WORD = /[\p{L}\p{N}]+/gu;
const FILLER = new Set(['wants', 'want', 'wanted', 'the', 'and', 'for', 'with', 'please', 'feature', 'request']);
const SENTENCE_BREAK = /(?<=[.!?])\s+|\n+/;

/** A text's sentences, one a line at most, each without a greeting it opens with; one that only greets is left out. */
export function sentencesOf(text: string): string[] {
  return text
    .split(SENTENCE_BREAK)
    .map((s) => withoutGreeting(s.trim()))
    .filter(Boolean);
}

/** A text's words, lower-cased and cut to their first five letters, so "exports" finds "export". */
export function stemsOf(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).map((w) => w.slice(0, 5));
}

/** The sentence (of those given) with most of the wanted stems, and how many it has; the first wins a tie. */
export function bestSentence(sentences: string[], wanted: string[]): { score: number; sentence: string } {
  let best = { score: 0, sentence: '' };
  for (const sentence of sentences) {
    const words = stemsOf(sentence);
    const score = wanted.filter((w) => words.includes(w)).length;
    if (score > best.score) best = { score, sentence };
  }
  return best;
}

/** A request's label as words to look for: "wants: CSV export" -> ["csv", "expor"]. */
function keyWords(label: string): string[] {
  return (label.toLowerCase().match(WORD) ?? []).filter((w) => w.length >= 3 && !FILLER.has(w)).map((w) => w.slice(0, 5));
}

/**
 * The customer's own words for what they asked: the sentence of theirs that names the request best
 * (most of its words, matched on their first five letters so "exports" finds "export"), else the gist
 * of their first message. Never their greeting.
 */
export function theirWords(texts: string[], label: string): string {
  const best = bestSentence(texts.flatMap(sentencesOf), keyWords(label));
  if (best.score > 0) return shorten(best.sentence, 240);
  return texts[0] ? withoutGreeting(gistOf(texts[0])) || gistOf(texts[0]) : '';
}

/** A sentence this short ("Really disappointed.") says how they feel; the one before says what happened. */
const SHORT_SENTENCE = 40;

/**
 * What went wrong, in their words: the sentence holding the first sign of a complaint (with the one
 * before it when it is short), else their first sentence; short enough to name in a hint, never their
 * greeting.
 */
export function theirPoint(text: string, max = 110): string {
  const first = detectIntent(text).matches.find((m) => m.kind === 'complaint' && m.field === 'text');
  const sentences: Array<{ text: string; end: number }> = [];
  let at = 0;
  for (const raw of text.split(SENTENCE_BREAK)) {
    at = text.indexOf(raw, at) + raw.length;
    const sentence = withoutGreeting(raw.trim());
    if (sentence) sentences.push({ text: sentence, end: at });
  }
  const i = first ? sentences.findIndex((s) => first.start < s.end) : 0;
  const found = sentences[Math.max(0, i)];
  if (!found) return '';
  const before = i > 0 && found.text.length < SHORT_SENTENCE ? `${sentences[i - 1]!.text} ` : '';
  return shorten(before + found.text, max);
}

/**
 * When they asked: the date of their first message that holds the words kept with the request, else of
 * their first message at all (staff typed the words). Messages oldest first.
 */
export function askedOn(words: string[], messages: Array<{ date: Date; text: string }>): Date | null {
  const flat = (s: string) => s.replace(/…/g, ' ').replace(/\s+/g, ' ').trim().toLowerCase();
  const wanted = words.map(flat).filter(Boolean);
  const holding = messages.find((m) => wanted.some((w) => flat(m.text).includes(w)));
  return (holding ?? messages[0])?.date ?? null;
}

/** When this customer asked for this request, from their mail in the conversations it was tagged in. */
export async function requestAskedOn(db: Kysely<DB>, requestId: number, customerId: number | null): Promise<Date | null> {
  if (customerId === null) return null;
  const askers = await db
    .selectFrom('customer_request_askers')
    .select(['conversation_id', 'words', 'created_at'])
    .where('request_id', '=', requestId)
    .where('customer_id', '=', customerId)
    .execute();
  const conversations = askers.map((a) => a.conversation_id).filter((id): id is number => id !== null);
  const messages = conversations.length
    ? await db
        .selectFrom('messages')
        .select(['date', 'new_text as text'])
        .where('conversation_id', 'in', conversations)
        .where('direction', '=', 'in')
        .where('automated_reason', 'is', null)
        .orderBy('date')
        .execute()
    : [];
  const tagged = askers.map((a) => a.created_at.getTime());
  // Staff tag what was already written: a message after the last tag is not where they asked.
  const before = messages.filter((m) => m.date.getTime() <= Math.max(...tagged));
  return (
    askedOn(
      askers.map((a) => a.words),
      before,
    ) ?? (tagged.length ? new Date(Math.min(...tagged)) : null)
  );
}
