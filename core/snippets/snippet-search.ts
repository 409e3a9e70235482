/**
 * Finding a snippet as a person types in the picker ("#ret", "return label", "rücksendung"). Pure, so the
 * ranking is easy to test. Every word typed must match the start of a word somewhere in the snippet (or
 * its shortcut); where it matches says how good a match it is: the shortcut, then the name, then a
 * keyword, then the body. Ties go to the snippet used more, then by name.
 */

export interface SearchableSnippet {
  name: string;
  body: string;
  shortcut: string | null;
  keywords: string[];
  useCount: number;
}

/** How much a word typed is worth where it matched. */
const WEIGHT = {
  shortcutExact: 100,
  shortcutStart: 80,
  nameFirstWord: 60,
  nameWord: 50,
  keywordExact: 45,
  keywordStart: 40,
  nameInside: 20,
  bodyWord: 10,
} as const;
/** The whole query opening the name ("return po" for "Return policy") beats the same words found apart. */
const NAME_PREFIX_BONUS = 30;

/** Lower case, accents off: "Rücksendung" is found by "rucksendung" and "rück". */
function fold(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}

function wordsOf(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** What the picker searches in, folded once per snippet. Handlebars tags are markup, not words of the snippet. */
interface Indexed {
  shortcut: string;
  name: string;
  nameWords: string[];
  keywords: string[];
  keywordWords: string[];
  bodyWords: Set<string>;
}

function index(s: SearchableSnippet): Indexed {
  return {
    shortcut: fold(s.shortcut ?? ''),
    name: fold(s.name),
    nameWords: wordsOf(s.name),
    keywords: s.keywords.map(fold),
    keywordWords: s.keywords.flatMap(wordsOf),
    bodyWords: new Set(wordsOf(s.body.replace(/\{\{[^}]*\}\}/g, ' '))),
  };
}

/** The best place a typed word matches, as its weight; 0 when it matches nowhere. */
function tokenScore(token: string, x: Indexed): number {
  if (x.shortcut && x.shortcut === token) return WEIGHT.shortcutExact;
  if (x.shortcut.startsWith(token)) return WEIGHT.shortcutStart;
  if (x.nameWords[0]?.startsWith(token)) return WEIGHT.nameFirstWord;
  if (x.nameWords.some((w) => w.startsWith(token))) return WEIGHT.nameWord;
  if (x.keywords.includes(token)) return WEIGHT.keywordExact;
  if (x.keywordWords.some((w) => w.startsWith(token))) return WEIGHT.keywordStart;
  if (token.length >= 3 && x.name.includes(token)) return WEIGHT.nameInside;
  for (const w of x.bodyWords) if (w.startsWith(token)) return WEIGHT.bodyWord;
  return 0;
}

/** The query's words: folded, a leading `#` (how the editor opens the picker) dropped. */
export function queryWords(query: string): string[] {
  return wordsOf(query.replace(/^\s*#/, ''));
}

/** The snippets matching a query, best first; every snippet, most used first, for an empty one. */
export function rankSnippets<T extends SearchableSnippet>(snippets: readonly T[], query: string, limit = 20): T[] {
  const tokens = queryWords(query);
  const whole = tokens.join(' ');
  const scored: Array<{ s: T; score: number }> = [];
  for (const s of snippets) {
    const x = index(s);
    let score = 0;
    for (const t of tokens) {
      const points = tokenScore(t, x);
      if (points === 0) {
        score = -1;
        break;
      }
      score += points;
    }
    if (score < 0) continue;
    if (tokens.length > 1 && x.nameWords.join(' ').startsWith(whole)) score += NAME_PREFIX_BONUS;
    scored.push({ s, score });
  }
  scored.sort((a, b) => b.score - a.score || b.s.useCount - a.s.useCount || a.s.name.localeCompare(b.s.name));
  return scored.slice(0, limit).map((x) => x.s);
}
