/**
 * Canned phrases: the call-centre wording that tells a customer nobody really read their message.
 * The touch check flags them with a suggestion of what a person would write instead. Teams keep their
 * own list of exact phrases (this is the default) beside the built-in families, which they turn on and off.
 */

import { type CannedKind, findFamilies } from './canned-families.ts';
import { APOSTROPHE_CLASS, APOSTROPHES, WORD_CHAR_CLASS } from './word-chars.ts';

export interface CannedPhrase {
  phrase: string;
  suggestion: string;
}

export interface CannedPhraseMatch {
  /** The entry of the list that matched, or the family (its name as the phrase). */
  entry: CannedPhrase;
  /** 'dismissive' for a line that closes a door on the customer. */
  kind: CannedKind;
  start: number;
  end: number;
}

export const DEFAULT_CANNED_PHRASES: CannedPhrase[] = [
  { phrase: 'dear valued customer', suggestion: 'Use their name: "Hi Anna,".' },
  { phrase: 'dear customer', suggestion: 'Use their name: "Hi Anna,".' },
  { phrase: 'valued customer', suggestion: 'Say what you know about them instead, or just use their name.' },
  { phrase: 'dear sir or madam', suggestion: 'Use their name; it is in their signature or their address.' },
  { phrase: 'to whom it may concern', suggestion: 'Write to them by name.' },
  { phrase: 'hope this email finds you well', suggestion: 'Skip it and start with what they wrote about.' },
  { phrase: 'hope this message finds you well', suggestion: 'Skip it and start with what they wrote about.' },
  { phrase: 'thank you for reaching out', suggestion: 'Thank them for something specific they said, or skip the thanks.' },
  { phrase: 'thanks for reaching out', suggestion: 'Thank them for something specific they said, or skip the thanks.' },
  { phrase: 'thank you for contacting us', suggestion: 'Start with their question or their problem instead.' },
  { phrase: 'thank you for your inquiry', suggestion: 'Start with the answer to what they asked.' },
  { phrase: 'thank you for bringing this to our attention', suggestion: 'Say what they told you that you did not know: "Thanks for the photo of the crack."' },
  { phrase: 'your call is important to us', suggestion: 'Show it instead: answer the thing they asked.' },
  { phrase: 'your feedback is important to us', suggestion: 'Say what you will do with what they told you.' },
  { phrase: 'we value your feedback', suggestion: 'Say which part of their feedback you will act on.' },
  { phrase: 'your satisfaction is our top priority', suggestion: 'Say what you are doing for them, concretely.' },
  { phrase: 'we apologize for any inconvenience', suggestion: 'Say what went wrong and that you are sorry: "Sorry the pan arrived cracked."' },
  { phrase: 'we apologise for any inconvenience', suggestion: 'Say what went wrong and that you are sorry: "Sorry the pan arrived cracked."' },
  { phrase: 'sorry for any inconvenience', suggestion: 'Name the actual trouble: "Sorry you had to wait two weeks."' },
  { phrase: 'we apologize for the delay', suggestion: 'Say how late you are and why: "Sorry, I took four days to answer."' },
  { phrase: 'please accept our sincere apologies', suggestion: 'Just say sorry, in the first person, for the specific thing.' },
  { phrase: 'please accept our apologies', suggestion: 'Just say sorry, in the first person, for the specific thing.' },
  { phrase: 'we regret to inform you', suggestion: 'Say it plainly: "I\'m sorry, we can\'t..." and why.' },
  { phrase: 'i understand your frustration', suggestion: 'Name what went wrong for them instead of their feelings.' },
  { phrase: 'we understand your frustration', suggestion: 'Name what went wrong for them instead of their feelings.' },
  { phrase: 'we are sorry to hear', suggestion: 'Say "I\'m sorry" and name what happened.' },
  { phrase: 'we take this matter very seriously', suggestion: 'Say what you changed or will change.' },
  { phrase: 'rest assured', suggestion: 'Say what you will actually do, and by when.' },
  { phrase: 'we appreciate your patience', suggestion: 'Thank them for waiting, and say how long it took.' },
  { phrase: 'thank you for your patience', suggestion: 'Say sorry for the wait, and how long it was.' },
  { phrase: 'thank you for your understanding', suggestion: 'Leave it out; let them decide whether they understand.' },
  { phrase: 'we appreciate your business', suggestion: 'Say something true about them as a customer, or leave it out.' },
  { phrase: 'as per our policy', suggestion: 'Explain the reason behind the rule in a sentence.' },
  { phrase: 'in accordance with our policy', suggestion: 'Explain the reason behind the rule in a sentence.' },
  { phrase: 'please be advised', suggestion: 'Just say it.' },
  { phrase: 'please note that', suggestion: 'Just say it.' },
  { phrase: 'kindly', suggestion: 'Write "please", or just ask.' },
  { phrase: 'per my last email', suggestion: 'Repeat the point briefly and kindly.' },
  { phrase: 'at your earliest convenience', suggestion: 'Say when you need it, or "when you have a minute".' },
  { phrase: 'for your convenience', suggestion: 'Say what it is for: "so you don\'t have to wait for us".' },
  { phrase: 'this is an automated message', suggestion: 'A person is writing this; let it show.' },
  { phrase: 'please do not reply to this email', suggestion: 'Invite them to reply; you will read it.' },
  { phrase: 'do not hesitate to contact us', suggestion: 'Say "just reply to this, I\'ll see it".' },
  { phrase: "don't hesitate to contact us", suggestion: 'Say "just reply to this, I\'ll see it".' },
  { phrase: 'do not hesitate to reach out', suggestion: 'Say "just reply to this, I\'ll see it".' },
  { phrase: "don't hesitate to reach out", suggestion: 'Say "just reply to this, I\'ll see it".' },
  { phrase: 'should you have any further questions', suggestion: 'Say "if anything else comes up, just reply".' },
  { phrase: 'if you have any further questions', suggestion: 'Say "if anything else comes up, just reply".' },
  { phrase: 'is there anything else i can help you with', suggestion: 'Leave it out, or ask about something specific to them.' },
  { phrase: 'is there anything else we can help you with', suggestion: 'Leave it out, or ask about something specific to them.' },
  { phrase: 'in order to better assist you', suggestion: 'Say what you need and why: "Could you send a photo, so I can see the crack?"' },
  { phrase: 'happy to assist you', suggestion: 'Just help; say what you did.' },
  { phrase: 'we strive to', suggestion: 'Say what you did this time.' },
  { phrase: 'we pride ourselves on', suggestion: 'Let what you do for them show it.' },
  { phrase: 'due to a high volume of', suggestion: 'Say sorry for the wait, plainly.' },
  { phrase: 'we look forward to hearing from you', suggestion: 'Ask a real question they can answer, or leave it out.' },
  { phrase: 'we look forward to serving you', suggestion: 'Leave it out.' },
  { phrase: 'I hope this helps', suggestion: 'End with the next step, or with something personal.' },
  { phrase: 'have a nice day', suggestion: 'End with something that fits them: their trip, their shop, their weekend.' },
  { phrase: 'please find attached', suggestion: 'Say what you attached: "Here is the new label."' },
];

const APOSTROPHE_ANY = new RegExp(`[${APOSTROPHES}]`, 'g');
const WORD_CHAR = new RegExp(WORD_CHAR_CLASS);

/** The form a phrase and a matched text are compared in: lower case, single spaces, straight apostrophes. */
function normalize(text: string): string {
  return text.replace(APOSTROPHE_ANY, "'").replace(/\s+/g, ' ').trim().toLowerCase();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A regex source for one phrase: any run of whitespace (line breaks too) between words, any apostrophe. */
function phraseSource(normalized: string): string {
  const body = normalized
    .split(' ')
    .map((word) => word.split("'").map(escapeRegExp).join(APOSTROPHE_CLASS))
    .join('\\s+');
  // Word boundaries only where the phrase starts or ends with a word character: "P.S." must still match.
  const before = WORD_CHAR.test(normalized[0] ?? '') ? `(?<!${WORD_CHAR_CLASS})` : '';
  const after = WORD_CHAR.test(normalized[normalized.length - 1] ?? '') ? `(?!${WORD_CHAR_CLASS})` : '';
  return `${before}${body}${after}`;
}

interface Matcher {
  pattern: RegExp | null;
  byPhrase: Map<string, CannedPhrase>;
}

// Compiled once per list: the check runs on every keystroke and a team's list rarely changes.
const matchers = new WeakMap<readonly CannedPhrase[], Matcher>();

function matcherFor(phrases: readonly CannedPhrase[]): Matcher {
  const known = matchers.get(phrases);
  if (known) return known;
  const byPhrase = new Map<string, CannedPhrase>();
  for (const entry of phrases) {
    const key = normalize(entry.phrase);
    if (key && !byPhrase.has(key)) byPhrase.set(key, entry);
  }
  // Longest first, so "dear valued customer" wins over "valued customer" at the same place.
  const sources = [...byPhrase.keys()].sort((a, b) => b.length - a.length).map(phraseSource);
  const matcher = { pattern: sources.length ? new RegExp(sources.join('|'), 'gi') : null, byPhrase };
  matchers.set(phrases, matcher);
  return matcher;
}

/** Which families a check looks for: those of the draft's language (besides English), less those the team turned off. */
export interface FamilyChoice {
  language?: string;
  off?: readonly string[];
}

/**
 * Every canned phrase and family line in the text, in order and without overlaps (a phrase of the list
 * wins over a family line at the same place). Phrases match ignoring case, with any whitespace (line
 * breaks too) between words, any apostrophe, and whole words only ("kindly" does not match "unkindly").
 */
export function findCannedPhrases(text: string, phrases: readonly CannedPhrase[] = DEFAULT_CANNED_PHRASES, families: FamilyChoice = {}): CannedPhraseMatch[] {
  const { pattern, byPhrase } = matcherFor(phrases);
  const found: CannedPhraseMatch[] = [];
  for (const m of pattern ? text.matchAll(pattern) : []) {
    const entry = byPhrase.get(normalize(m[0]));
    if (entry) found.push({ entry, kind: 'canned', start: m.index, end: m.index + m[0].length });
  }
  const taken = (start: number, end: number) => found.some((f) => f.start < end && start < f.end);
  const fromFamilies = findFamilies(text, families.language, families.off)
    .filter((f) => !taken(f.start, f.end))
    .map((f) => ({ entry: { phrase: f.name, suggestion: f.suggestion }, kind: f.kind, start: f.start, end: f.end }));
  return fromFamilies.length ? [...found, ...fromFamilies].sort((a, b) => a.start - b.start) : found;
}
