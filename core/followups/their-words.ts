import { gistOf } from '../customers/card.ts';
import { shorten } from '../drafts/templates.ts';

const WORD = /[\p{L}\p{N}]+/gu;
const FILLER = new Set(['wants', 'want', 'wanted', 'the', 'and', 'for', 'with', 'please', 'feature', 'request']);

/** A request's label as words to look for: "wants: CSV export" -> ["csv", "export"]. */
function keyWords(label: string): string[] {
  return (label.toLowerCase().match(WORD) ?? []).filter((w) => w.length >= 3 && !FILLER.has(w));
}

/**
 * The customer's own words for what they asked: the sentence of theirs that names the request best
 * (most of its words, matched on their first five letters so "exports" finds "export"), else the gist
 * of their first message.
 */
export function theirWords(texts: string[], label: string): string {
  const wanted = keyWords(label).map((w) => w.slice(0, 5));
  let best = { score: 0, sentence: '' };
  for (const text of texts) {
    for (const sentence of text.split(/(?<=[.!?])\s+|\n+/).map((s) => s.trim()).filter(Boolean)) {
      const words = (sentence.toLowerCase().match(WORD) ?? []).map((w) => w.slice(0, 5));
      const score = wanted.filter((w) => words.includes(w)).length;
      if (score > best.score) best = { score, sentence };
    }
  }
  if (best.score > 0) return shorten(best.sentence, 240);
  return texts[0] ? gistOf(texts[0]) : '';
}
