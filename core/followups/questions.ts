import { sentencesOf } from './their-words.ts';

/**
 * Whether a message of ours asks the customer something they have to answer: the "waiting on them"
 * rule nudges only then. A sign-off question ("anything else I can help with?") asks nothing.
 */

const SIGN_OFF_QUESTIONS = [
  /\banything else\b/i,
  /\b(?:any|other|more|further) questions\b/i,
  /\bhow (?:did|do|are) we doing\b/i,
  /\b(?:does|did) (?:this|that) help\b/i,
  /\bnoch (?:etwas|fragen)\b/i,
  /\bautre chose\b/i,
  /\balgo más\b/i,
];

/*
 * Requests that want an answer even without a question mark: a polite form ("could you", "would you
 * mind", "please", "if you could") or a bare imperative with a verb that asks them to give us something,
 * "let me know" with what we want to know, or "I'll need your ...". "Let me know if/how ..." is a
 * courtesy, and "please" with any other verb ("please enjoy", "please note") asks nothing. GIVE: verbs
 * that ask them to give us something; after "could you" also ones that ask them to look ("could you check").
 */
const GIVE = 'send|share|forward|confirm|tell|reply|email|attach|upload|describe|provide';
const POLITE = `(?:${GIVE}|give|check|measure|choose|pick|let (?:me|us) know)`;
const POLITE_ING =
  'sending|sharing|forwarding|confirming|telling|replying|emailing|attaching|uploading|describing|providing|giving|checking|measuring|choosing|picking|letting (?:me|us) know';
const FILLER = '(?:(?:please|kindly|also|just|quickly),? )*';
const REQUESTS = [
  new RegExp(`\\b(?:could|can|would|will) you ${FILLER}${POLITE}\\b`, 'i'),
  new RegExp(`\\bif you (?:could|can) ${FILLER}${POLITE}\\b`, 'i'),
  new RegExp(`\\bwould you mind ${FILLER}(?:${POLITE_ING})\\b`, 'i'),
  new RegExp(`\\b(?:please|kindly),? ${FILLER}(?:${GIVE}|give (?:me|us))\\b`, 'i'),
  /^(?:(?:and|so|also|just),? )*(?:send|forward|email|tell|give) (?:me|us)\b/i,
  /\blet (?:me|us) know (?:which|what|when|where|whether|who|your)\b/i,
  /\b(?:i|we)(?:'ll| will|'d| would)? (?:just |also )?need (?:you to|your|to know|to see)\b/i,
];

// Offers for later, not asks: "feel free to send me a photo", "don't hesitate to tell us", "reply if you need anything".
const COURTESIES = [/\bfeel free\b/i, /\b(?:don't|do not) hesitate\b/i, /\bif (?:you (?:need|want|have)|there(?:'s| is)) anything\b/i];

/** The first sentence of ours that asks them something, or null. */
export function questionAsked(text: string): string | null {
  const own = text
    .split('\n')
    .filter((l) => !/^\s*>/.test(l))
    .join('\n')
    .split(/^-- ?$/m)[0]!;
  return sentencesOf(own).find((s) => (s.includes('?') || REQUESTS.some((r) => r.test(s))) && ![...SIGN_OFF_QUESTIONS, ...COURTESIES].some((r) => r.test(s))) ?? null;
}

export function asksQuestion(text: string): boolean {
  return questionAsked(text) !== null;
}
