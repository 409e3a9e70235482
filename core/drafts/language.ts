import { detectAll } from 'tinyld';

/**
 * The languages a small European shop's customers write in. Detection chooses among these only: short
 * English such as "Can I export my data as CSV?" otherwise reads as Hungarian with full confidence.
 */
export const CANDIDATE_LANGUAGES = ['en', 'de', 'fr', 'es', 'nl', 'it', 'pt', 'sv', 'da', 'pl'];

const NAMES = new Intl.DisplayNames(['en'], { type: 'language' });

export interface DetectedLanguage {
  /** ISO 639-1 code, e.g. `de`. */
  code: string;
  /** False when the text was too short or the detector unsure, so `code` is the team's default. */
  detected: boolean;
}

// Below these a guess is worse than the default: a "Danke!" or "ok thanks" says too little.
const MIN_LETTERS = 20;
const MIN_ACCURACY = 0.5;

/** The language the customer wrote in, or the team's default when the text does not say clearly. */
export function detectLanguage(text: string, defaultLanguage = 'en'): DetectedLanguage {
  const letters = text.replace(/[^\p{L}]/gu, '').length;
  if (letters < MIN_LETTERS) return { code: defaultLanguage, detected: false };
  const best = detectAll(text, { only: CANDIDATE_LANGUAGES })[0];
  if (!best || best.accuracy < MIN_ACCURACY) return { code: defaultLanguage, detected: false };
  return { code: best.lang, detected: true };
}

/** "German" for `de`: what the conversation page and the fallback note show. */
export function languageName(code: string): string {
  return NAMES.of(code) ?? code;
}

// The informal "you" a customer used; without it a reply takes the usual form for small-business support.
const INFORMAL: Record<string, RegExp> = {
  de: /\b(du|dich|dir|dein\w*|kannst|hast|bist|schick(st)?|euch|eure?)\b/iu,
  fr: /\b(tu|toi|ton|ta|tes|peux)\b/iu,
  es: /(^|[^\p{L}])(tú|puedes|podéis|tienes|sabes|vosotros|os|te|tu)(?![\p{L}])/iu,
};

/** True when the customer addressed us informally (German "du", French "tu", Spanish "tú"). */
export function writesInformally(text: string, code: string): boolean {
  return INFORMAL[code]?.test(text) ?? false;
}
