/**
 * The touch check: before a person approves a draft, it shows what still reads like a form letter
 * (canned phrases and families, dismissive lines, unfilled slots, a template left as it was, no greeting by name, their points not
 * taken up, an odd length) and sums it up in a 0..100 score whose parts each explain themselves.
 * It runs on every (debounced) keystroke, so it is a handful of linear passes over the text.
 *
 * Finding positions are offsets into `text`. Canned phrases, slots and text kept from a snippet point at their words;
 * 'no-greeting-by-name' spans the first non-empty line (where the greeting belongs; 0..0 for an empty
 * draft); 'unchanged-template', 'points-not-answered' and 'length' concern the whole draft and use 0..0.
 */
import { type CannedPhrase, DEFAULT_CANNED_PHRASES, type FamilyChoice, findCannedPhrases } from './canned-phrases.ts';
import { findSlots } from './slots.ts';
import { WORD_CHAR_CLASS } from './word-chars.ts';

export interface TouchCheckInput {
  /** The draft body. */
  text: string;
  /** The team's canned phrases; DEFAULT_CANNED_PHRASES when absent. */
  phrases?: Array<{ phrase: string; suggestion: string }>;
  /** The draft's language (ISO 639-1, the customer's as detected): its canned families are checked besides the English ones, and suggestions are in it. */
  language?: string;
  /** Built-in canned families the team turned off, by id. */
  familiesOff?: readonly string[];
  /** The body as first rendered from the template, to tell whether anyone changed it. */
  templateText?: string | null;
  /**
   * To check the greeting (first two lines) by name; `names` are other names they go by. With `fullName`,
   * a formal greeting by surname counts too ("Sehr geehrter Herr Weber", "Estimada señora García").
   */
  customer?: { firstName: string | null; names?: string[]; fullName?: string | null } | null;
  /** The customer's last message: new text only, quotes removed. */
  customerText?: string | null;
  /** Median length in characters of the replies this customer usually gets; null if unknown. */
  usualLength?: number | null;
  /** Recipients of the draft who never took part in the conversation. */
  newRecipients?: string[];
  /** The team's snippets as they read in this conversation (variables filled in): text kept from one is not the person's own. */
  snippets?: Array<{ name: string; text: string }>;
}

export interface TouchFinding {
  kind: 'canned-phrase' | 'dismissive' | 'unfilled-slot' | 'unchanged-template' | 'snippet-text' | 'no-greeting-by-name' | 'points-not-answered' | 'length' | 'new-recipient';
  start: number;
  end: number;
  message: string;
  suggestion?: string;
}

export interface TouchScorePart {
  name: string;
  points: number;
  max: number;
  explanation: string;
}

export interface TouchCheckResult {
  /** 0..100, an integer. */
  score: number;
  parts: TouchScorePart[];
  findings: TouchFinding[];
}

/** The weight of each part of the score; they add up to 100. */
export const TOUCH_WEIGHTS = { ownWords: 25, greeting: 15, cannedPhrases: 20, theirPoints: 20, slots: 10, length: 10 } as const;
/** A draft with a slot left is not ready, however good the rest is. */
export const UNFILLED_SLOT_SCORE_CAP = 40;
/** Someone new on the reply is not ready until a person looks: the score stays at or below this. */
export const NEW_RECIPIENT_SCORE_CAP = 60;
/** A draft that is still the template is not ready either: the score stays at or below this. */
export const UNCHANGED_TEMPLATE_SCORE_CAP = 40;
/** Fewer own words than this on top of the template, and the draft counts as unchanged. */
const UNCHANGED_BELOW_WORDS = 8;
/** A run of this many words of a slot hint or a quote of the template (fewer for a shorter one), or of a snippet, is theirs. */
const COPIED_RUN_WORDS = 4;
/** This many own words earn all the own-words points. */
const FULL_OWN_WORDS = 20;
/** Each canned phrase costs this much of its part. */
const CANNED_PHRASE_COST = 8;
/** Their key words looked for in the reply, most telling first. */
const MAX_KEY_WORDS = 12;

// Hidden text (quoted lines, slot hints) is overwritten with this, so offsets stay valid and
// neither words nor phrases can run across it.
const HIDDEN = '\u0000';
const WORD = new RegExp(`${WORD_CHAR_CLASS}+(?:['’ʼ]${WORD_CHAR_CLASS}+)*`, 'g');
const WORD_CHAR = new RegExp(WORD_CHAR_CLASS);
const QUOTED_LINE = /^[ \t]*>.*$/gm;
const SIGN_OFF_LINE = /^[ \t]*(?:sent from my|get outlook for|gesendet von|enviado desde|envoy[ée] de(?:puis)?)\b.*$/gim;

// Small stop-word lists, accents already folded off. Greetings and sign-offs are in them too, since
// every message has those and they say nothing about what the customer wrote about.
const STOP_WORDS = new Set(
  [
    // English
    'a about above after again against all also am an and any are as at be because been before being below between both but by can cannot could did do does doing down during each few for from further had has have having he her here hers herself him himself his how i if in into is it its itself just let me more most my myself no nor not now of off on once only or other our ours ourselves out over own same she should so some such than that the their theirs them themselves then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours yourself yourselves',
    'hi hello hey dear thanks thank please regards best kind cheers sincerely yes yeah okay ok really still even get got getting make made know want wanted need like might must may shall one two lot much many thing things something anything way well good great sure time today yesterday tomorrow week weeks day days ago back already yet soon maybe since though however sent wrote write email mail message reply asked ask question hope think guess feel bit little quite',
    // German
    'aber alle allem allen aller alles als also am an andere auch auf aus bei bin bis bist da damit dann das dass dein deine dem den denn der des dich die dies diese diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer eines er es etwas euch euer fur gegen gewesen hab habe haben hat hatte hatten hier ich ihm ihn ihnen ihr ihre im in ins ist jede jedem jeden jeder jedes jetzt kann kein keine konnen konnte machen man mein meine mich mir mit muss nach nicht nichts noch nun nur ob oder ohne sehr sein seine sich sie sind so soll sollte sondern sonst uber um und uns unser unter viel viele vielen vom von vor war waren warum was weil welche wenn wer werde werden wie wieder will wir wird wo wollen wurde zu zum zur zwar hallo liebe lieber danke dank bitte gruße grusse gruß gruss mfg freundlichen gerne schon mal ja nein heute gestern seit',
    // German greetings, sign-offs and polite verbs: in every message, about nothing
    'guten tag abend servus moin herzliche herzlichen freundliche beste besten grußen konnten konntest ware waren mochte mochten bitten dafur daher deshalb',
    // Spanish
    'al algo algunos ante antes como con contra cual cuando de del desde donde dos el ella ellas ellos en entre era es esa ese eso esta estaba estamos estan estar este esto estos fue fueron ha han hasta hay la las le les lo los mas me mi mis mucho muy nada ni nos nosotros os otra otro para pero poco por porque que quien se sea ser si sido sin sobre son su sus tambien tan te tengo tiene todo tu tus un una uno unos usted ya yo hola gracias saludos buenas buenos dias favor querido querida estimado estimada hace puedo puede quiero',
    // Spanish greetings, sign-offs and polite verbs
    'tardes noches saludo atentamente cordial cordiales muchas muchos podria podrian podrias puedes decir quisiera gustaria necesito ustedes',
    // French
    'afin ai alors au aucun aussi autre aux avec avoir bon car ce cela ces cet cette ceux chaque ci comme comment dans des deja donc dont du elles encore est et etait ete etre eu fait faire il ils je juste le leur leurs lui ma mais meme mes moi mon ne nos notre nous on ou par pas peu peut plus pour pourquoi quand quel quelle qui sa sans ses son sont sur ta tes toi ton tous tout tres une vos votre vous bonjour salut merci cordialement madame monsieur bien bonne journee svp',
    // French greetings, sign-offs and polite verbs
    'bonsoir coucou pourriez pourrais pouvez pouvons voudrais voulez souhaite souhaiterais avance remerciant salutations sinceres distinguees',
  ]
    .join(' ')
    .split(' '),
);
// Longest first: one suffix comes off, so "shipping", "shipped" and "ships" all become "ship".
const SUFFIXES = ['ungen', 'ung', 'ing', 'ed', 'es', 'en', 'er', 'ly', 'e', 's'];
const STEM_LENGTH = 5;

/** Lower case, accents off, one kind of apostrophe. */
function fold(text: string): string {
  const lower = text.toLowerCase().replace(/[’ʼ]/g, "'");
  return /[^\x00-\x7f]/.test(lower) ? lower.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : lower;
}

/** A crude stem that is the same for the forms a reply would use: "arrived"/"arrive"/"arriving". */
function stem(folded: string): string {
  let s = folded;
  const suffix = SUFFIXES.find((x) => s.endsWith(x) && s.length - x.length >= 3);
  if (suffix) s = s.slice(0, -suffix.length);
  if (s.length > 3 && s[s.length - 1] === s[s.length - 2]) s = s.slice(0, -1);
  return s.slice(0, STEM_LENGTH);
}

/** The word as a content word, or null: possessives and French elisions off, contractions dropped. */
function contentWord(folded: string, ignore: ReadonlySet<string>): string | null {
  let w = folded;
  const apostrophe = w.indexOf("'");
  if (apostrophe >= 0) {
    if (w.endsWith("'s")) w = w.slice(0, -2);
    else if (apostrophe <= 2)
      w = w.slice(apostrophe + 1); // l'adresse, qu'il, d'un
    else return null; // hasn't, you've: function words
  }
  if (w.length < 3 || STOP_WORDS.has(w) || ignore.has(w) || w.includes("'")) return null;
  return w;
}

function hide(text: string, ranges: Iterable<{ start: number; end: number }>): string {
  let out = '';
  let at = 0;
  for (const r of ranges) {
    out += text.slice(at, r.start) + HIDDEN.repeat(r.end - r.start);
    at = r.end;
  }
  return out + text.slice(at);
}

/** The text a person wrote or kept: slots and quoted lines (the customer's own words) hidden. */
function visibleText(text: string): string {
  const ranges = [...findSlots(text), ...Array.from(text.matchAll(QUOTED_LINE), (m) => ({ start: m.index, end: m.index + m[0].length }))];
  ranges.sort((a, b) => a.start - b.start);
  // A slot inside a quoted line is already hidden with the line.
  const apart: typeof ranges = [];
  for (const r of ranges) if (r.start >= (apart[apart.length - 1]?.end ?? 0)) apart.push(r);
  return hide(text, apart);
}

function words(text: string): string[] {
  return fold(text).match(WORD) ?? [];
}

interface Word {
  /** Folded, as `words` gives it. */
  word: string;
  start: number;
  end: number;
}

/** The words with their offsets in `text`: each match folded on its own, so offsets stay those of the text. */
function wordSpans(text: string): Word[] {
  return Array.from(text.matchAll(WORD), (m) => ({ word: fold(m[0]), start: m.index, end: m.index + m[0].length }));
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function quoteList(items: string[]): string {
  return items.map((x) => `"${x}"`).join(', ');
}

function shortQuote(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

interface OwnWords {
  count: number;
  stems: Set<string>;
  /** Words kept from snippets, and where: runs of one snippet's text, none across hidden text. */
  snippetWords: number;
  snippetRuns: Array<{ name: string; start: number; end: number }>;
}

/** Words a draft may have copied: a passage's words, how many in a row make a copy, and whose they are. */
interface Passage {
  words: string[];
  minRun: number;
  source: number;
  /** A copy must hold a content word: "let me know if" in a person's own sentence is no copy of a snippet. */
  needsContent: boolean;
}

const NO_NAMES: ReadonlySet<string> = new Set();

/** The passages of the template a person may keep with their marks taken off: slot hints and quoted lines. */
function markedPassages(template: string): string[][] {
  const quoted = Array.from(template.matchAll(QUOTED_LINE), (m) => m[0].replace(/^[ \t]*>+/, ''));
  return [...findSlots(template).map((s) => s.hint), ...quoted].map(words).filter((p) => p.length > 0);
}

/**
 * A snippet as passages: its visible text between slots and quotes (a copy is COPIED_RUN_WORDS in a row, or
 * the whole of a shorter snippet), and its slot hints kept with the brackets taken off, as for a template.
 */
function snippetPassages(text: string, source: number): Passage[] {
  const segments = visibleText(text)
    .split(new RegExp(`${HIDDEN}+`))
    .map(words)
    .filter((w) => w.length > 0);
  const total = segments.reduce((n, w) => n + w.length, 0);
  const minRun = Math.min(COPIED_RUN_WORDS, total);
  const hints = findSlots(text)
    .map((s) => words(s.hint))
    .filter((w) => w.length > 0);
  return [
    ...segments.map((w) => ({ words: w, minRun, source, needsContent: true })),
    ...hints.map((w) => ({ words: w, minRun: Math.min(COPIED_RUN_WORDS, w.length), source, needsContent: true })),
  ];
}

/**
 * The positions in `draft` of runs of words copied from one of the passages, each with the passage's source.
 * Runs are found by their first `minRun` words, looked up whole: a team's many snippets share common words,
 * and trying every place each word occurs would be slow on every keystroke.
 */
function copiedFrom(draft: string[], passages: Passage[]): Map<number, number> {
  const byRun = new Map<number, Map<string, Array<[Passage, number]>>>();
  for (const p of passages) {
    const starts = byRun.get(p.minRun) ?? new Map<string, Array<[Passage, number]>>();
    byRun.set(p.minRun, starts);
    for (let j = 0; j + p.minRun <= p.words.length; j++) {
      const key = p.words.slice(j, j + p.minRun).join(' ');
      const at = starts.get(key);
      if (at) at.push([p, j]);
      else starts.set(key, [[p, j]]);
    }
  }
  const copied = new Map<number, number>();
  for (const [minRun, starts] of byRun) {
    for (let i = 0; i + minRun <= draft.length; i++) {
      for (const [passage, j] of starts.get(draft.slice(i, i + minRun).join(' ')) ?? []) {
        let n = minRun;
        while (i + n < draft.length && j + n < passage.words.length && draft[i + n] === passage.words[j + n]) n++;
        if (passage.needsContent && !draft.slice(i, i + n).some((x) => contentWord(x, NO_NAMES) !== null)) continue;
        for (let k = i; k < i + n; k++) if (!copied.has(k)) copied.set(k, passage.source);
      }
    }
  }
  return copied;
}

/**
 * Words in the draft a person typed: not the template's (its words, its slot hints and the customer's
 * words it quoted, kept or with the brackets and quote marks taken off), not a snippet's (runs of its text,
 * as a slot hint's), not canned phrases, not quotes.
 */
function ownWords(
  visible: string,
  canned: Array<{ start: number; end: number }>,
  template: string | null,
  phrases: readonly CannedPhrase[],
  families: FamilyChoice,
  snippets: ReadonlyArray<{ name: string; text: string }>,
): OwnWords {
  const kept = new Map<string, number>();
  const shown = hide(visible, canned);
  const spans = wordSpans(shown);
  const draft = spans.map((w) => w.word);
  let copied = new Map<number, number>();
  if (template !== null) {
    const templateVisible = visibleText(template);
    for (const w of words(hide(templateVisible, findCannedPhrases(templateVisible, phrases, families)))) kept.set(w, (kept.get(w) ?? 0) + 1);
    copied = copiedFrom(
      draft,
      markedPassages(template).map((p) => ({ words: p, minRun: Math.min(COPIED_RUN_WORDS, p.length), source: -1, needsContent: false })),
    );
  }
  const fromSnippets = snippets.length
    ? copiedFrom(
        draft,
        snippets.flatMap((s, i) => snippetPassages(s.text, i)),
      )
    : new Map<number, number>();
  const own: OwnWords = { count: 0, stems: new Set<string>(), snippetWords: 0, snippetRuns: [] };
  let run: { source: number; last: number } | null = null;
  draft.forEach((w, i) => {
    if (copied.has(i)) return;
    const source = fromSnippets.get(i);
    if (source !== undefined) {
      own.snippetWords++;
      const span = spans[i]!;
      // One run per stretch of one snippet's words; a slot, a quote or a canned phrase in between ends it.
      const joined = run && run.source === source && run.last === i - 1 && !shown.slice(spans[i - 1]!.end, span.start).includes(HIDDEN);
      if (joined) own.snippetRuns[own.snippetRuns.length - 1]!.end = span.end;
      else own.snippetRuns.push({ name: snippets[source]!.name, start: span.start, end: span.end });
      run = { source, last: i };
      return;
    }
    const left = kept.get(w) ?? 0;
    if (left > 0) kept.set(w, left - 1);
    else {
      own.count++;
      own.stems.add(stem(w));
    }
  });
  return own;
}

interface KeyPoints {
  keyWords: Array<{ word: string; stem: string }>;
  questions: Array<{ text: string; stems: Set<string> }>;
}

/** What the customer wrote about: their questions and their most telling content words. */
function keyPoints(customerText: string, names: string[]): KeyPoints {
  const text = customerText.replace(SIGN_OFF_LINE, '');
  const ignore = new Set(names.flatMap((n) => words(n)));
  const seen = new Map<string, { word: string; stem: string; count: number; inQuestion: boolean; order: number }>();
  const questions: KeyPoints['questions'] = [];
  for (const sentence of text.split(/(?<=[.!?])\s+|\n+/)) {
    const isQuestion = /\?[\s"'’”)»]*$/.test(sentence);
    const stems = new Set<string>();
    for (const m of sentence.matchAll(WORD)) {
      const w = contentWord(fold(m[0]), ignore);
      if (w === null) continue;
      const s = stem(w);
      stems.add(s);
      const known = seen.get(s);
      if (known) {
        known.count++;
        known.inQuestion ||= isQuestion;
      } else seen.set(s, { word: m[0], stem: s, count: 1, inQuestion: isQuestion, order: seen.size });
    }
    if (isQuestion && stems.size > 0) questions.push({ text: sentence.trim(), stems });
  }
  const keyWords = [...seen.values()]
    .sort((a, b) => Number(b.inQuestion) - Number(a.inQuestion) || b.count - a.count || a.order - b.order)
    .slice(0, MAX_KEY_WORDS)
    .map(({ word, stem }) => ({ word, stem }));
  return { keyWords, questions };
}

/** The offsets of the first non-empty line, where a greeting belongs. */
function firstLineRange(text: string): { start: number; end: number } {
  const m = /\S[^\n]*/.exec(text);
  return m ? { start: m.index, end: m.index + m[0].trimEnd().length } : { start: 0, end: 0 };
}

/** Where `name` stands as a whole word in `folded`, at each place it does. */
function wholeWordAt(folded: string, name: string): number[] {
  const at: number[] = [];
  for (let i = folded.indexOf(name); name && i >= 0; i = folded.indexOf(name, i + 1)) {
    if (!WORD_CHAR.test(folded[i - 1] ?? ' ') && !WORD_CHAR.test(folded[i + name.length] ?? ' ')) at.push(i);
  }
  return at;
}

// A title before a surname, accents folded off: a formal greeting by name in any of our languages.
const HONORIFIC_BEFORE =
  /(?:^|[^a-z])(?:herr|herrn|frau|mr|mrs|ms|miss|mx|dr|prof|monsieur|madame|mademoiselle|m|mme|mlle|senor|senora|senorita|sr|sra|srta|don|dona)\.?\s+(?:(?:dr|prof)\.?\s+)?$/;

function greetsByName(visible: string, names: string[], surnames: string[]): boolean {
  const head = fold(
    visible
      .split('\n')
      .filter((l) => l.replaceAll(HIDDEN, '').trim())
      .slice(0, 2)
      .join('\n'),
  );
  if (names.some((name) => wholeWordAt(head, fold(name.trim())).length > 0)) return true;
  return surnames.some((surname) => wholeWordAt(head, fold(surname)).some((i) => HONORIFIC_BEFORE.test(head.slice(Math.max(0, i - 24), i))));
}

/** What a greeting by name looks like in the draft's language, as the shipped templates write it. */
const GREETINGS: Record<string, (name: string) => string> = {
  de: (name) => `"Hallo ${name},"`,
  fr: (name) => `"Bonjour ${name},"`,
  es: (name) => `"Hola, ${name}:"`,
};

export function touchCheck(input: TouchCheckInput): TouchCheckResult {
  const { text } = input;
  const phrases = input.phrases ?? DEFAULT_CANNED_PHRASES;
  const template = input.templateText?.trim() ? input.templateText : null;
  const names = [input.customer?.firstName ?? '', ...(input.customer?.names ?? [])].map((n) => n.trim()).filter(Boolean);
  // The other parts of their full name, for a greeting by title and surname.
  const surnames = (input.customer?.fullName ?? '').split(/[\s,]+/).filter((part) => part.length > 1 && !names.some((n) => fold(n) === fold(part)));
  const families: FamilyChoice = { language: input.language, off: input.familiesOff };
  const findings: TouchFinding[] = [];
  const parts: TouchScorePart[] = [];

  const slots = findSlots(text);
  const visible = visibleText(text);
  const canned = findCannedPhrases(visible, phrases, families);
  const own = ownWords(visible, canned, template, phrases, families, input.snippets ?? []);

  // Own words.
  {
    const max = TOUCH_WEIGHTS.ownWords;
    const points = Math.round(max * Math.min(1, own.count / FULL_OWN_WORDS));
    // Snippet text counts as template text does: a draft that is only a snippet is not written yet either.
    const what = template !== null ? 'the template' : 'snippet text';
    const unchanged = (template !== null || own.snippetWords > 0) && own.count < UNCHANGED_BELOW_WORDS;
    if (unchanged) {
      findings.push({
        kind: 'unchanged-template',
        start: 0,
        end: 0,
        message: `This is still ${what}: add a few sentences in your own words.`,
        suggestion: 'Write what you would say to them across a counter.',
      });
    }
    for (const r of own.snippetRuns) {
      findings.push({
        kind: 'snippet-text',
        start: r.start,
        end: r.end,
        message: `From the snippet "${r.name}": the team's words, not your own.`,
        suggestion: 'Fine to keep; a line of your own around it makes it personal.',
      });
    }
    const fromSnippets = own.snippetWords > 0 ? ` ${plural(own.snippetWords, 'word')} came from snippets.` : '';
    const explanation =
      (unchanged
        ? `Still ${what}: you added ${plural(own.count, 'word')} of your own; until you write more, the score stays at ${UNCHANGED_TEMPLATE_SCORE_CAP} or below.`
        : template === null
          ? `${plural(own.count, 'word')} of your own (canned phrases don't count).`
          : `You added ${plural(own.count, 'word')} of your own to the template (canned phrases don't count).`) + fromSnippets;
    parts.push({ name: 'Own words', points, max, explanation: points < max && !unchanged ? `${explanation} About ${FULL_OWN_WORDS} earn all the points.` : explanation });
  }

  // Greeting by name.
  {
    const max = TOUCH_WEIGHTS.greeting;
    const name = names[0];
    if (name === undefined) {
      parts.push({ name: 'Greeting by name', points: max, max, explanation: "We don't know their name, so the greeting was not checked." });
    } else if (greetsByName(visible, names, surnames)) {
      parts.push({ name: 'Greeting by name', points: max, max, explanation: `You greet ${name} by name.` });
    } else {
      const line = firstLineRange(text);
      findings.push({
        kind: 'no-greeting-by-name',
        ...line,
        message: `Greet ${name} by name in the first line.`,
        suggestion: (GREETINGS[input.language ?? ''] ?? ((n: string) => `"Hi ${n},"`))(name),
      });
      parts.push({ name: 'Greeting by name', points: 0, max, explanation: `The first lines don't greet ${name} by name.` });
    }
  }

  // Canned phrases.
  {
    const max = TOUCH_WEIGHTS.cannedPhrases;
    for (const c of canned) {
      const quoted = `"${text.slice(c.start, c.end).replace(/\s+/g, ' ')}"`;
      findings.push({
        kind: c.kind === 'dismissive' ? 'dismissive' : 'canned-phrase',
        start: c.start,
        end: c.end,
        message: c.kind === 'dismissive' ? `${quoted} closes a door on them.` : `${quoted} sounds canned.`,
        suggestion: c.entry.suggestion,
      });
    }
    const points = Math.max(0, max - CANNED_PHRASE_COST * canned.length);
    const list = quoteList([...new Set(canned.map((c) => text.slice(c.start, c.end).replace(/\s+/g, ' ')))]);
    parts.push({ name: 'No canned phrases', points, max, explanation: canned.length === 0 ? 'No canned phrases.' : `${plural(canned.length, 'canned phrase')}: ${list}.` });
  }

  // Their points answered.
  {
    const max = TOUCH_WEIGHTS.theirPoints;
    const { keyWords, questions } = keyPoints(input.customerText ?? '', names);
    if (keyWords.length === 0) {
      parts.push({ name: 'Their points answered', points: max, max, explanation: 'There is no message of theirs to compare with.' });
    } else {
      const found = keyWords.filter((k) => own.stems.has(k.stem));
      const open = questions.filter((q) => ![...q.stems].some((s) => own.stems.has(s)));
      const ratio = questions.length > 0 ? (questions.length - open.length) / questions.length : Math.min(1, found.length / Math.min(3, keyWords.length));
      const points = Math.round(max * ratio);
      const named = quoteList(keyWords.slice(0, 4).map((k) => k.word));
      let explanation: string;
      if (found.length === 0) {
        const asked = questions[0] ? ` They asked: "${shortQuote(questions[0].text)}"` : '';
        findings.push({
          kind: 'points-not-answered',
          start: 0,
          end: 0,
          message: `Nothing they wrote about comes up in your reply yet: ${named}.${asked}`,
          suggestion: 'Answer what they asked, in their words.',
        });
        explanation = `None of what they wrote about comes up in your reply (${named}).`;
      } else if (questions.length > 0) {
        explanation = `They asked ${plural(questions.length, 'question')}; your reply takes up ${questions.length - open.length}.`;
        if (open[0]) explanation += ` Not yet: "${shortQuote(open[0].text)}"`;
      } else {
        explanation = `Your reply takes up ${found.length} of their key words (${quoteList(found.slice(0, 4).map((k) => k.word))}).`;
      }
      parts.push({ name: 'Their points answered', points, max, explanation });
    }
  }

  // Personal parts (slots) filled.
  {
    const max = TOUCH_WEIGHTS.slots;
    for (const s of slots) {
      findings.push({
        kind: 'unfilled-slot',
        start: s.start,
        end: s.end,
        message: s.hint ? `Still to write: ${s.hint}.` : 'An empty [[ ]] placeholder is left.',
        suggestion: 'Replace the brackets with your own words.',
      });
    }
    parts.push({
      name: 'Personal parts filled',
      points: slots.length ? 0 : max,
      max,
      explanation: slots.length
        ? `${plural(slots.length, 'personal part')} still to write; until then the score stays at ${UNFILLED_SLOT_SCORE_CAP} or below.`
        : 'Every personal part is written.',
    });
  }

  // Length against what they usually get.
  {
    const max = TOUCH_WEIGHTS.length;
    const usual = input.usualLength && input.usualLength > 0 ? Math.round(input.usualLength) : null;
    if (usual === null) {
      parts.push({ name: 'Length', points: max, max, explanation: 'No earlier replies to compare the length with.' });
    } else {
      const length = visible.replaceAll(HIDDEN, '').trim().length;
      const ratio = length / usual;
      const side = ratio < 1 ? 'shorter' : 'longer';
      const numbers = `${plural(length, 'character')}; they usually get about ${usual}`;
      if (ratio >= 0.5 && ratio <= 2) {
        parts.push({ name: 'Length', points: max, max, explanation: `About as long as the replies they usually get (${numbers}).` });
      } else if (ratio >= 1 / 3 && ratio <= 3) {
        parts.push({ name: 'Length', points: Math.round(max / 2), max, explanation: `Rather ${side} than the replies they usually get (${numbers}).` });
      } else {
        findings.push({ kind: 'length', start: 0, end: 0, message: `Much ${side} than the replies they usually get (${numbers}).` });
        parts.push({ name: 'Length', points: 0, max, explanation: `Much ${side} than the replies they usually get (${numbers}).` });
      }
    }
  }

  const newcomers = input.newRecipients ?? [];
  for (const address of newcomers) {
    findings.push({
      kind: 'new-recipient',
      start: 0,
      end: 0,
      message: `New recipient: ${address} — not in this conversation.`,
      suggestion: 'Make sure they should read this reply; remove them if not.',
    });
  }
  const total = parts.reduce((sum, p) => sum + p.points, 0);
  const unchanged = findings.some((f) => f.kind === 'unchanged-template');
  const caps = [
    total,
    ...(slots.length ? [UNFILLED_SLOT_SCORE_CAP] : []),
    ...(unchanged ? [UNCHANGED_TEMPLATE_SCORE_CAP] : []),
    ...(newcomers.length ? [NEW_RECIPIENT_SCORE_CAP] : []),
  ];
  const score = Math.min(...caps);
  findings.sort((a, b) => a.start - b.start || a.end - b.end);
  return { score, parts, findings };
}
