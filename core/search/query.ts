/**
 * Pure helpers of search: what a person typed turned into a PostgreSQL text-search query, and
 * ts_headline's output turned into a plain snippet with match positions.
 */

/** Marks ts_headline puts around a match; control characters, so mail text never contains them. */
export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';

// "quoted phrase", -"excluded phrase", or a word (possibly -excluded).
const TOKEN = /(-?)"([^"]*)"?|(\S+)/g;

function lexeme(word: string): string {
  return `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

const hasText = (s: string) => /[\p{L}\p{N}]/u.test(s);

/**
 * A to_tsquery expression for the web-search syntax people know ("quoted phrase", -word, or), where
 * every plain word also matches as a prefix ("refu" finds "refund"). Null when nothing searchable is left.
 * Each term is a quoted literal, so nothing a person types can break the query's syntax.
 */
export function toTsQuery(input: string): string | null {
  const terms: Array<{ expr: string } | { or: true }> = [];
  for (const [, minus, phrase, word] of input.matchAll(TOKEN)) {
    if (phrase !== undefined) {
      const words = phrase.split(/\s+/).filter(hasText);
      if (words.length) terms.push({ expr: `${minus ? '!' : ''}(${words.map(lexeme).join(' <-> ')})` });
    } else if (/^or$/i.test(word!)) {
      terms.push({ or: true });
    } else if (word!.startsWith('-') && hasText(word!.slice(1))) {
      terms.push({ expr: `!${lexeme(word!.slice(1))}` });
    } else if (hasText(word!)) {
      terms.push({ expr: `${lexeme(word!)}:*` });
    }
  }
  let out = '';
  let joinWith = ' & ';
  for (const t of terms) {
    if ('or' in t) {
      if (out) joinWith = ' | ';
      continue;
    }
    out = out ? `${out}${joinWith}${t.expr}` : t.expr;
    joinWith = ' & ';
  }
  // A query of nothing but exclusions would match almost everything: not a search.
  return terms.some((t) => 'expr' in t && !t.expr.startsWith('!')) ? out : null;
}

export interface Snippet {
  /** Plain text, whitespace folded, no HTML. */
  text: string;
  /** Where the matches are in `text`: [start, end) offsets in UTF-16 code units, as JavaScript strings count. */
  highlights: Array<[number, number]>;
}

/** A ts_headline made with MATCH_START/MATCH_END as plain text and match positions. */
export function readHeadline(headline: string): Snippet {
  let text = '';
  const highlights: Array<[number, number]> = [];
  let start = -1;
  let space = false;
  for (const ch of headline) {
    if (ch === MATCH_START) {
      if (space && text) text += ' ';
      space = false;
      start = text.length;
    } else if (ch === MATCH_END) {
      if (start >= 0 && text.length > start) highlights.push([start, text.length]);
      start = -1;
    } else if (/\s/.test(ch)) {
      space = true;
    } else {
      if (space && text) text += ' ';
      space = false;
      text += ch;
    }
  }
  return { text, highlights };
}
