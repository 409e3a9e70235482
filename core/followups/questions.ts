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

// Requests that want an answer even without a question mark.
const REQUESTS = [
  /\b(?:could|can|would) you (?:please |kindly )?(?:send|confirm|check|tell|share|forward|reply|let (?:me|us) know)\b/i,
  /\bplease (?:send|confirm|tell|share|forward|reply|let (?:me|us) know (?:which|whether|what|when|where|how))\b/i,
];

/** The first sentence of ours that asks them something, or null. */
export function questionAsked(text: string): string | null {
  const own = text
    .split('\n')
    .filter((l) => !/^\s*>/.test(l))
    .join('\n')
    .split(/^-- ?$/m)[0]!;
  const sentences = own.split(/(?<=[.!?])\s+|\n+/).map((s) => s.trim()).filter(Boolean);
  return sentences.find((s) => (s.includes('?') || REQUESTS.some((r) => r.test(s))) && !SIGN_OFF_QUESTIONS.some((r) => r.test(s))) ?? null;
}

export function asksQuestion(text: string): boolean {
  return questionAsked(text) !== null;
}
