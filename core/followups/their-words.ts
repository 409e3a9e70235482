import { gistOf } from '../customers/card.ts';
import { shorten } from '../drafts/templates.ts';

const WORD = /[\p{L}\p{N}]+/gu;
const FILLER = new Set(['wants', 'want', 'wanted', 'the', 'and', 'for', 'with', 'please', 'feature', 'request']);

/** A text's sentences, one a line at most. */
export function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?])\s+|\n+/).map((s) => s.trim()).filter(Boolean);
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
 * (most of its words), else the gist of their first message.
 */
export function theirWords(texts: string[], label: string): string {
  const best = bestSentence(texts.flatMap(sentencesOf), keyWords(label));
  if (best.score > 0) return shorten(best.sentence, 240);
  return texts[0] ? gistOf(texts[0]) : '';
}
