/** The shapes of words and apostrophes the canned-phrase and family matchers share. */

// Straight, curly and modifier apostrophes, backtick and acute accent: people and phones type them all.
export const APOSTROPHES = "'’‘ʼ`´";
export const APOSTROPHE_CLASS = `[${APOSTROPHES}]`;

/**
 * A character that belongs to a word: Latin (with accents and combining marks), Greek, Cyrillic.
 * Spelled out rather than \p{L} because regexes with the u flag are about three times slower in V8,
 * and these run on every keystroke.
 */
export const WORD_CHAR_CLASS = '[0-9A-Za-z_\\u00AA\\u00B5\\u00BA\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F\\u0300-\\u036F\\u0370-\\u03FF\\u0400-\\u04FF\\u1E00-\\u1EFF]';
