/**
 * Canned families: the shapes stock support writing takes, so the touch check catches the variants
 * people actually write (another person, tense or spelling of the same apology), not one string. Each
 * family is written in English, German, French and Spanish (one module per language); a draft is checked
 * against the English ones and those of its own language, since stock English turns up in any inbox.
 * A team turns families off by id in its settings.
 *
 * A family marked `unlessSpecific` lets a sentence through when it goes on to say something concrete
 * (a number, their words in quotes, or what it was about: "sorry for the trouble with the lid"): that is
 * a person writing.
 */

import { GERMAN } from './canned-families-de.ts';
import { ENGLISH } from './canned-families-en.ts';
import { SPANISH } from './canned-families-es.ts';
import { FRENCH } from './canned-families-fr.ts';
import { APOSTROPHE_CLASS, WORD_CHAR_CLASS } from './word-chars.ts';

export type CannedKind = 'canned' | 'dismissive';

export const FAMILIES = [
  { id: 'inconvenience', name: 'apology for any inconvenience', kind: 'canned', unlessSpecific: true },
  { id: 'contact-us', name: 'feel free to contact us', kind: 'canned' },
  { id: 'any-questions', name: 'should you have any questions', kind: 'canned', unlessSpecific: true },
  { id: 'anything-else', name: 'anything else I can help with', kind: 'canned' },
  { id: 'understand-feelings', name: 'we understand your frustration', kind: 'canned' },
  { id: 'thanks-for', name: 'thank you for your patience', kind: 'canned', unlessSpecific: true },
  { id: 'stock-opener', name: 'stock opener', kind: 'canned' },
  { id: 'stock-closing', name: 'stock closing', kind: 'canned' },
  { id: 'ticket-receipt', name: 'ticket receipt', kind: 'canned' },
  { id: 'policy', name: 'policy as the answer', kind: 'dismissive' },
  { id: 'closing-door', name: 'closing the door', kind: 'dismissive' },
  { id: 'blame', name: 'blaming them', kind: 'dismissive' },
  { id: 'how-to-feel', name: 'telling them how to feel', kind: 'dismissive' },
] as const satisfies ReadonlyArray<{ id: string; name: string; kind: CannedKind; unlessSpecific?: boolean }>;

export type FamilyId = (typeof FAMILIES)[number]['id'];
export const FAMILY_IDS: readonly string[] = FAMILIES.map((f) => f.id);

/** One family in one language. Patterns use a plain space for "any whitespace" and ' for "any apostrophe". */
export interface LocalFamily {
  pattern: string;
  /** What a person would write instead, with an example in the draft's language. */
  suggestion: string;
  /** A typical line of the family, shown in Settings. */
  example: string;
}

export interface FamilyTable {
  /** The rest of the sentence names what it was about ("with the lid"): a person writing, for `unlessSpecific` families. */
  specificAfter: RegExp;
  families: Record<FamilyId, LocalFamily>;
}

export const FAMILY_LANGUAGES = { en: ENGLISH, de: GERMAN, fr: FRENCH, es: SPANISH } as const satisfies Record<string, FamilyTable>;
export type FamilyLanguage = keyof typeof FAMILY_LANGUAGES;

export interface FamilyMatch {
  id: FamilyId;
  name: string;
  kind: CannedKind;
  suggestion: string;
  start: number;
  end: number;
}

interface Entry {
  family: (typeof FAMILIES)[number];
  local: LocalFamily;
  specificAfter: RegExp;
}

interface Matcher {
  pattern: RegExp | null;
  entries: Entry[];
}

// A number or their words in quotes later in the same sentence: concrete, in any language.
const NUMBER_OR_QUOTE_AFTER = /^[^.!?\n]*?[0-9"“”„«»]/;

// One compiled matcher per language and set of families turned off: the check runs on every keystroke.
const matchers = new Map<string, Matcher>();

function matcherFor(language: string, off: readonly string[]): Matcher {
  const tables = language in FAMILY_LANGUAGES && language !== 'en' ? [ENGLISH, FAMILY_LANGUAGES[language as FamilyLanguage]] : [ENGLISH];
  const key = `${tables.length > 1 ? language : 'en'}|${[...off].sort().join(',')}`;
  const known = matchers.get(key);
  if (known) return known;
  const entries = tables.flatMap((table) =>
    FAMILIES.filter((family) => !off.includes(family.id)).map((family) => ({ family, local: table.families[family.id], specificAfter: table.specificAfter })),
  );
  const sources = entries.map((e) => `(?<!${WORD_CHAR_CLASS})(${e.local.pattern.replaceAll(' ', '\\s+').replaceAll("'", APOSTROPHE_CLASS)})(?!${WORD_CHAR_CLASS})`);
  const matcher = { pattern: sources.length ? new RegExp(sources.join('|'), 'gi') : null, entries };
  matchers.set(key, matcher);
  return matcher;
}

/**
 * Every line of a canned family in the text, in order and without overlaps: the English families and
 * those of `language` (an ISO 639-1 code; English only for a language without families), less `off`.
 */
export function findFamilies(text: string, language = 'en', off: readonly string[] = []): FamilyMatch[] {
  const { pattern, entries } = matcherFor(language, off);
  if (!pattern) return [];
  const found: FamilyMatch[] = [];
  for (const m of text.matchAll(pattern)) {
    const entry = entries[m.findIndex((group, j) => j > 0 && group !== undefined) - 1];
    if (!entry) continue;
    const end = m.index + m[0].length;
    if ('unlessSpecific' in entry.family) {
      const rest = text.slice(end, end + 200);
      if (NUMBER_OR_QUOTE_AFTER.test(rest) || entry.specificAfter.test(rest)) continue;
    }
    found.push({ id: entry.family.id, name: entry.family.name, kind: entry.family.kind, suggestion: entry.local.suggestion, start: m.index, end });
  }
  return found;
}
