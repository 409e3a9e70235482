import { normalizeSubject } from '../conversations/threading.ts';
import { GREETING } from '../customers/card.ts';
import { shorten } from '../drafts/templates.ts';
import { bestSentence, sentencesOf, stemsOf } from './their-words.ts';

/*
 * Words too common to say what a conversation is about (cut to five letters, as stemsOf cuts them):
 * pleasantries, pronouns, little verbs. What is left of the customer's message names their problem.
 */
const COMMON = new Set(
  stemsOf(`
  the and for but not you your yours our ours we us they them their she her his him its it's this that these those there here
  with from about into onto over under again also just very really still only even then than when what which where who why how
  can could would will shall should may might must have has had having was were are is been being did does done doing get got
  any all some one two new now out off too yes yet own more most much many each other such same way thing things
  hello dear thanks thank cheers regards best wishes kind kindly please sorry glad happy hope great good lovely nice day days
  week weeks today tomorrow yesterday soon time morning evening weekend question questions answer help anything something
  let know see look write wrote writing send sent mail email message reply
`),
);

/** A line that is only a greeting, a name or a sign-off ("Hi Pat,", "Dana", "Thanks, Pat") says nothing of the problem. */
const isContent = (line: string) => !GREETING.test(line) && line.split(/\s+/).length >= 3;

function contentSentences(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(isContent)
    .flatMap(sentencesOf);
}

/**
 * The line of our answer that is about the problem the customer wrote about (the words of their messages
 * and the subject; the subject's twice, as it names the problem): what a check-in asks how it went.
 * Null when no line of ours shares a word with it, so the scaffold asks in general words rather than
 * about a greeting or a pleasantry.
 */
export function whatWeSolved(c: { subject: string; theirs: string[]; ours: string }): string | null {
  const topic = (text: string) => [...new Set(stemsOf(text).filter((w) => w.length >= 3 && !COMMON.has(w)))];
  const subject = topic(normalizeSubject(c.subject));
  const wanted = [...subject, ...subject, ...topic(c.theirs.flatMap(contentSentences).join(' '))];
  const best = bestSentence(contentSentences(c.ours), wanted);
  return best.score > 0 ? shorten(best.sentence, 140) : null;
}
