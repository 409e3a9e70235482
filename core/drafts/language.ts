import { detectAll } from 'tinyld';

/** Languages a reply can be drafted in; the names are what the conversation page and notes show. */
export const LANGUAGE_NAMES: Record<string, string> = {
  en: 'English',
  de: 'German',
  fr: 'French',
  es: 'Spanish',
  nl: 'Dutch',
  it: 'Italian',
  pt: 'Portuguese',
};

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
  const best = detectAll(text)[0];
  if (!best || best.accuracy < MIN_ACCURACY) return { code: defaultLanguage, detected: false };
  return { code: best.lang, detected: true };
}

export function languageName(code: string): string {
  return LANGUAGE_NAMES[code] ?? code.toUpperCase();
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
