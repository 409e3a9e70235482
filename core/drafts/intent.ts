/**
 * What a customer's message is mostly about, from a small weighted lexicon: a complaint, a feature
 * idea, thanks, or a question. It picks the reply template and raises the priority of complaints, so
 * it favours being explainable (every point comes from a match the UI can show) over being clever.
 * English is covered thoroughly; German, Spanish and French lightly. Terms are written without
 * accents because the text is folded the same way before matching ("enttäuscht" -> "enttauscht").
 */

export type IntentKind = 'complaint' | 'feature-request' | 'thanks' | 'question' | 'other';

export interface IntentMatch {
  kind: 'complaint' | 'feature-request' | 'thanks' | 'question';
  /** The words as the customer wrote them, whitespace folded. */
  term: string;
  start: number;
  end: number;
  /** Which input the offsets point into. */
  field: 'text' | 'subject';
}

export interface Intent {
  kind: IntentKind;
  complaint: number;
  featureRequest: number;
  thanks: number;
  matches: IntentMatch[];
}

type Scored = 'complaint' | 'feature-request' | 'thanks';

/** A score this high decides the kind; a single strong word ("unacceptable", "cracked") reaches it. */
const THRESHOLD = 2;
/** Thanks beat a question only when they are the main point ("thank you so much" plus more). */
const STRONG_THANKS = 4;
/** A message this short that says thanks at all is a thank-you ("perfect, thanks sam!"). */
const SHORT_MESSAGE_CHARS = 160;

// [weight, pattern]. In patterns a space means any whitespace and ' means any apostrophe.
// Weight 0 terms only claim their words, so "thanks in advance" is not counted as thanks.
const LEXICON: Record<Scored, Array<[number, string]>> = {
  complaint: [
    // English: strong words.
    [3, 'unacceptable'],
    [3, 'not acceptable'],
    [3, 'ridiculous'],
    [3, 'outrageous'],
    [3, 'appalling'],
    [3, 'disgrace(?:ful)?'],
    [3, 'scam(?:med)?'],
    [3, 'rip-?off'],
    [3, 'rip off'],
    [3, 'waste of (?:money|time)'],
    [3, 'thanks for nothing'],
    [3, 'fed up'],
    [3, 'furious'],
    [3, 'chargeback'],
    [3, 'worst (?:service|experience|purchase|company|customer service)'],
    [2, 'worst'],
    [3, '(?:want|need|demand|expect|like) (?:a |my )?(?:full )?refund'],
    [3, '(?:my|our) money back'],
    // English: things that did not happen.
    [
      3,
      "still (?:(?:hasn't|has not|hasnt|haven't|have not|havent|isn't|is not|not)(?: (?:arrived|come|shipped|turned up|shown up|been \\p{L}+|received|working|fixed))?|no sign|nothing|waiting|broken|missing)",
    ],
    [3, '(?:no one|noone|nobody) (?:has |have )?(?:answered|replied|responded|got back|gotten back|called back|helped)'],
    [
      2,
      "(?:never|hasn't|has not|hasnt|didn't|did not|didnt|haven't|have not|havent) (?:arrived|received it|received (?:my|the|our|anything)|got it|come|shown up|turned up|been (?:delivered|shipped|sent))",
    ],
    [2, "(?:hasn't|has not|haven't|have not) (?:heard|gotten|had) (?:back|a reply|an answer|anything)"],
    [2, 'no (?:response|reply|answer)'],
    [2, '(?:waited|waiting|been waiting) (?:for )?(?:over |more than |almost |nearly )?(?:\\d+|a|one|two|three|four|five|six|several|many|a few) (?:days?|weeks?|months?)'],
    [2, '(?:waited|waiting) (?:for )?(?:ages|forever|so long)'],
    [2, "(?:second|third|fourth|fifth|\\d+(?:st|nd|rd|th)) (?:time|email|message) (?:i|i've|i'm|i am|i have)"],
    [1.5, 'yet again'],
    [1.5, 'where is my (?:order|package|parcel|refund|money)'],
    // English: feelings.
    [2, 'disappoint(?:ed|ing|ment)'],
    [2, 'frustrat(?:ed|ing|ion)'],
    [2, 'unhappy'],
    [2, 'dissatisfied'],
    [2, 'not (?:very |too |at all |so )?(?:happy|pleased|impressed|satisfied)'],
    [2, 'not good enough'],
    [2, 'angry'],
    [2, 'upset'],
    [2, 'annoy(?:ed|ing)'],
    [2, 'let down'],
    [2, 'terrible'],
    [2, 'horrible'],
    [2, 'awful'],
    [2, 'useless'],
    [2, 'rude'],
    [2, 'misleading'],
    [2, 'poor (?:quality|service)'],
    [2, 'complain(?:t|ts|ing)?'],
    [2, "(?:can't|cannot|could not|couldn't) believe"],
    [1.5, 'shocked'],
    [2, 'never (?:again|order(?:ing)? (?:again|from you))'],
    // English: things that are wrong.
    [3, '(?:arrived|came) (?:damaged|broken|cracked|dented|scratched|bent|open)'],
    [2, 'broken'],
    [1.5, 'broke'],
    [2, 'cracked'],
    [2, 'damaged'],
    [2, 'defective'],
    [2, 'faulty'],
    [2, 'dented'],
    [1.5, 'scratched'],
    [1.5, 'leak(?:s|ing|ed)'],
    [2, "(?:doesn't|does not|doesnt|don't|do not|didn't|did not|won't|will not) (?:work|fit|turn on|close|charge)"],
    [2, '(?:not|stopped) working'],
    [2, 'wrong (?:item|size|colou?r|order|product|one|address|parcel|package)'],
    [1.5, 'missing'],
    [1.5, 'refund'],
    [2, 'cancel (?:my|the) (?:order|subscription|account)'],
    [1, 'urgent(?:ly)?'],
    [1, 'asap'],
    [1, 'unfortunately'],
    // German.
    [3, 'inakzeptabel'],
    [3, 'unverschamt'],
    [3, 'frechheit'],
    [3, '(?:mein|das|unser) geld zuruck'],
    [3, 'schlechteste[nrs]?'],
    [3, '(?:immer )?noch (?:nicht|immer nicht|kein(?:e|en)?) (?:angekommen|geliefert|erhalten|da|eingetroffen)'],
    [2, 'nicht (?:angekommen|geliefert|erhalten|eingetroffen)'],
    [2, 'immer noch nicht'],
    [2, '(?:keine antwort|niemand hat (?:geantwortet|reagiert|zuruckgerufen))'],
    [2, 'enttauscht'],
    [2, 'enttauschend'],
    [2, 'kaputt'],
    [2, 'beschadigt'],
    [2, 'gesprungen'],
    [2, 'zerbrochen'],
    [2, 'defekt'],
    [2, 'funktioniert (?:nicht|immer noch nicht|nicht mehr)'],
    [1.5, 'ruckerstattung'],
    [2, 'beschwerde'],
    [2, 'reklamation'],
    [2, 'unzufrieden'],
    [2, 'nicht (?:sehr |ganz |so )?zufrieden'],
    [2, 'argerlich'],
    [2, 'verargert'],
    [2, 'falsche[nrs]? (?:artikel|grosse|farbe|lieferung|ware)'],
    [2, '(?:warte|gewartet|warten) (?:seit |schon )?(?:\\d+|zwei|drei|vier|funf|mehreren|vielen) (?:tagen?|wochen?|monaten?)'],
    [2, 'seit (?:\\d+|zwei|drei|vier|funf|mehreren|vielen) (?:tagen|wochen|monaten)'],
    // Spanish.
    [3, 'inaceptable'],
    [3, '(?:quiero|exijo) (?:mi dinero|un reembolso|el reembolso)'],
    [3, 'pesim[oa]s?'],
    [3, '(?:el|la|lo) peor'],
    [3, '(?:todavia|aun) no (?:ha llegado|he recibido|llega|funciona)'],
    [2, 'no (?:ha llegado|he recibido|llego|funciona)'],
    [3, 'nadie (?:me )?(?:ha )?(?:respondido|contestado|responde)'],
    [2, 'decepcionad[oa]s?'],
    [2, 'decepcion'],
    [1.5, 'reembolso'],
    [2, 'rot[oa]s?'],
    [2, 'danad[oa]s?'],
    [2, 'defectuos[oa]s?'],
    [2, 'no (?:estoy|estamos) (?:nada )?(?:content[oa]s?|satisfech[oa]s?)'],
    [2, 'queja'],
    [2, 'reclamacion'],
    [2, 'enfadad[oa]s?'],
    [2, 'hart[oa]s?'],
    // French.
    [3, 'inacceptable'],
    [3, 'inadmissible'],
    [3, 'le pire'],
    [3, "personne (?:ne m'a|n'a) (?:repondu|rappele)"],
    [3, '(?:toujours pas|pas encore) (?:recue?s?|arrivee?s?|livree?s?)'],
    [2, 'toujours pas'],
    [2, 'decue?s?'],
    [1.5, 'remboursement'],
    [2, 'cassee?s?'],
    [2, 'abimee?s?'],
    [2, 'endommagee?s?'],
    [2, 'defectueu(?:x|se)'],
    [2, 'pas (?:du tout )?(?:contente?s?|satisfaite?s?)'],
    [2, 'plainte'],
    [2, 'reclamation'],
    [2, 'mecontente?s?'],
    [2, 'furieu(?:x|se)'],
    [2, 'ne (?:fonctionne|marche) (?:pas|plus)'],
  ],
  'feature-request': [
    [3, 'feature request'],
    [3, 'feature idea'],
    // Only with "if" or "to have": a bare "that would be great" usually accepts an offer.
    [
      3,
      "(?:it|that|it'd|that'd|would) (?:would )?be (?:great|nice|awesome|amazing|cool|lovely|helpful|good|fantastic|brilliant|wonderful|useful|handy) (?:if|to (?:have|be able|get|see|buy|order))",
    ],
    [2, 'it would be nice'],
    [3, '(?:i )?would love (?:it )?if'],
    [3, "(?:i'd|i would|we'd|we would) love (?:to see|a|an|some|more|the option)"],
    [2, 'would love'],
    [3, 'any plans (?:to|for|on)'],
    [3, '(?:are there|do you have) (?:any )?plans (?:to|for)'],
    [3, '(?:do|did) you (?:plan|intend) to'],
    [3, '(?:could|can|would|will) you (?:please )?(?:add|make|offer|consider|bring back|introduce|start selling|sell|stock|support)'],
    [3, '(?:i )?wish (?:you|there (?:was|were)|it (?:had|could|was|were))'],
    [2, '(?:please )?(?:consider|think about) (?:adding|making|offering)'],
    [2, 'suggestions?'],
    [2, "i(?:'d)? suggest"],
    [2, 'how about (?:adding|making|offering)'],
    [2, 'have you (?:ever )?(?:thought about|considered)'],
    [1, 'idea'],
    // German.
    [3, '(?:es )?ware (?:toll|schon|super|klasse|praktisch|genial|gut|cool),? wenn'],
    [3, '(?:ich )?(?:wurde mir|wunsche mir)'],
    [3, 'funktionswunsch'],
    [2, 'vorschlag'],
    [3, '(?:konntet|konnten|konnt) (?:ihr|sie) (?:bitte )?(?:\\p{L}+ ){0,3}(?:hinzufugen|anbieten|einbauen)'],
    // Spanish.
    [3, 'seria (?:genial|estupendo|bueno|buenisimo|util|increible) (?:si|que|poder|tener)'],
    [3, 'me gustaria que'],
    [3, '(?:podrian|podriais|pueden) (?:anadir|agregar|incluir|ofrecer)'],
    [2, 'sugerencia'],
    // French.
    [3, "(?:ce serait|ca serait|il serait) (?:genial|bien|super|top|pratique|utile) (?:si|de|d'\\p{L}+)"],
    [3, "j'aimerais (?:que|bien que|voir)"],
    [3, "(?:pourriez-vous|pourriez vous|pourrais-tu|serait-il possible d') ?(?:ajouter|proposer|faire)"],
  ],
  thanks: [
    [3, 'thank you (?:so|very) much'],
    [3, 'thanks (?:so|very) much'],
    [3, 'thank you a lot'],
    [3, '(?:just )?(?:wanted|want) to say (?:a (?:big )?)?(?:thank|thanks)'],
    [3, 'made my day'],
    [3, "couldn't be happier"],
    [2, 'thank you for (?:the|your|all|everything|helping|sorting|fixing|getting|such|being)'],
    [2, 'thanks for (?:the|your|all|everything|helping|sorting|fixing|getting|such|being)'],
    [2, '(?:really |absolutely |just )?love (?:it|them|this|the)'],
    [2, 'loving it'],
    [2, 'arrived today and'],
    [2, '(?:so|very|really) (?:happy|pleased) with'],
    [2, "you(?:'re| are) the best"],
    [2, 'great (?:service|job|work|product)'],
    [2, 'works (?:great|perfectly|beautifully|like a charm)'],
    [2, 'well done'],
    [2, 'excellent|fantastic|wonderful|amazing|brilliant|superb|outstanding|beautiful'],
    [2, 'delighted|thrilled'],
    [1.5, 'many thanks'],
    [1, 'thank you'],
    [1, 'thanks'],
    [1, 'thx'],
    [0, 'thanks in advance'],
    [0, 'thank you in advance'],
    // German.
    [3, 'vielen (?:herzlichen )?dank'],
    [3, 'herzlichen dank'],
    [3, 'tausend dank'],
    [2, 'danke (?:schon|sehr)'],
    [1, 'danke'],
    [2, '(?:ich )?liebe (?:es|sie|ihn)'],
    [2, 'begeistert'],
    [2, '(?:sehr )?zufrieden'],
    [0, '(?:vielen )?dank im voraus'],
    // Spanish.
    [3, 'muchas gracias'],
    [3, 'mil gracias'],
    [1, 'gracias'],
    [2, 'me encanta'],
    [2, 'encantad[oa]s?'],
    [0, 'gracias de antemano'],
    // French.
    [3, 'merci (?:beaucoup|infiniment|mille fois)'],
    [1, 'merci'],
    [2, "j'adore"],
    [2, 'ravie?s?'],
    [0, "merci (?:d'avance|par avance)"],
  ],
};

interface Term {
  kind: Scored;
  weight: number;
}

const TERMS: Term[] = [];
const SOURCES: string[] = [];
for (const kind of Object.keys(LEXICON) as Scored[]) {
  for (const [weight, source] of LEXICON[kind]) {
    TERMS.push({ kind, weight });
    SOURCES.push(source.replace(/ /g, '\\s+').replace(/'/g, "['’ʼ`´]"));
  }
}
// Longer patterns first, so "thanks for nothing" wins over "thanks" where both start. One group per term.
const ORDER = TERMS.map((_, i) => i).sort((a, b) => SOURCES[b]!.length - SOURCES[a]!.length);
const LEXICON_PATTERN = new RegExp(`(?<![\\p{L}\\p{N}])(?:${ORDER.map((i) => `(${SOURCES[i]})`).join('|')})(?![\\p{L}\\p{N}])`, 'giu');

// A run of words in capitals: shouting, unless it is an acronym or two ("DHL", "USB").
const CAPS_RUN = /(?<![\p{L}\p{N}])\p{Lu}+(?:[^\p{L}\p{N}\n]+\p{Lu}+)+(?![\p{L}\p{N}])/gu;
const ACRONYMS = new Set([
  'DHL',
  'UPS',
  'USPS',
  'DPD',
  'GLS',
  'TNT',
  'FEDEX',
  'PDF',
  'USB',
  'EU',
  'USA',
  'UK',
  'US',
  'VAT',
  'FAQ',
  'SKU',
  'ID',
  'OK',
  'PS',
  'FYI',
  'CEO',
  'API',
  'URL',
  'LED',
  'XL',
  'XXL',
  'GB',
  'MB',
  'TV',
]);
const EMPHASIS = /!{3,}|[?!]*(?:\?!|!\?)[?!]*/g;
// A question mark ends a question when it ends a sentence (not "?id=3" in a link).
const QUESTION_END = /\?+(?=[\s"'’”)»\]]|$)/g;

// Words that turn the next few words around, and words that make them hypothetical ("if it's broken").
const NEGATORS = new Set([
  'not',
  'no',
  'never',
  'nothing',
  'without',
  'hardly',
  'neither',
  'nor',
  'nicht',
  'kein',
  'keine',
  'keinen',
  'keinem',
  'keiner',
  'nie',
  'niemals',
  'ohne',
  'nunca',
  'ni',
  'tampoco',
  'sin',
  'pas',
  'jamais',
  'sans',
  'aucun',
  'aucune',
]);
const NOT_ONLY = new Set(['only', 'just', 'nur', 'solo', 'seulement']);
const HYPOTHETICAL = new Set(['if', 'whether', 'unless', 'hope', 'hopefully', 'wenn', 'falls', 'ob', 'si']);
const CLAUSE_BREAK = /[.!?;:,\n()]|(?<![\p{L}])(?:but|aber|pero|mais|however|though|although)(?![\p{L}])/giu;
const WINDOW_WORDS = 3;

/** Accents off, one code unit for one, so offsets stay valid ("é" -> "e", "ç" -> "c"). */
function foldAccents(text: string): string {
  return text.replace(/[\u00C0-\u024F\u1E00-\u1EFF]/g, (c) => c.normalize('NFD')[0] ?? c);
}

/**
 * Whether the last few words of the clause before `start` cancel a term ("not disappointed").
 * The window starts after the previous term, whose own "hasn't" must not cancel the next one.
 */
function cancelled(text: string, from: number, start: number, kind: Scored): boolean {
  const before = text.slice(Math.max(from, start - 80), start);
  let clauseStart = 0;
  for (const m of before.matchAll(CLAUSE_BREAK)) clauseStart = m.index + m[0].length;
  const words = (
    before
      .slice(clauseStart)
      .toLowerCase()
      .match(/[\p{L}\p{N}'’]+/gu) ?? []
  )
    .slice(-WINDOW_WORDS)
    .map((w) => w.replace(/’/g, "'"));
  return words.some((w, i) => {
    const negation = NEGATORS.has(w) || w.endsWith("n't") || w.startsWith("n'");
    if (negation && !NOT_ONLY.has(words[i + 1] ?? '')) return true;
    return kind === 'complaint' && HYPOTHETICAL.has(w);
  });
}

/** Where the sentence that ends at `index` begins. */
function sentenceStart(text: string, index: number): number {
  let i = index - 1;
  while (i >= 0 && !'.!?\n'.includes(text[i]!)) i--;
  return i + 1;
}

function scan(original: string, field: IntentMatch['field']): { matches: IntentMatch[]; scores: Record<Scored, number> } {
  const text = foldAccents(original);
  const scores: Record<Scored, number> = { complaint: 0, 'feature-request': 0, thanks: 0 };
  const matches: IntentMatch[] = [];
  const term = (start: number, end: number) => original.slice(start, end).replace(/\s+/g, ' ');

  let previousEnd = 0;
  for (const m of text.matchAll(LEXICON_PATTERN)) {
    const group = m.findIndex((g, i) => i > 0 && g !== undefined);
    const { kind, weight } = TERMS[ORDER[group - 1]!]!;
    const from = previousEnd;
    previousEnd = m.index + m[0].length;
    if (weight === 0 || cancelled(text, from, m.index, kind)) continue;
    scores[kind] += weight;
    matches.push({ kind, term: term(m.index, m.index + m[0].length), start: m.index, end: m.index + m[0].length, field });
  }

  // Shouting counts once, and not when the capitals are happy ones ("THANK YOU SO MUCH").
  const happy = matches.filter((x) => x.kind !== 'complaint');
  for (const m of original.matchAll(CAPS_RUN)) {
    const start = m.index;
    const end = start + m[0].length;
    const words = m[0].match(/\p{Lu}{2,}/gu)?.filter((w) => !ACRONYMS.has(w)) ?? [];
    const letters = words.reduce((n, w) => n + w.length, 0);
    if (words.length < 2 || letters < 9 || happy.some((x) => x.start < end && start < x.end)) continue;
    scores.complaint += 1.5;
    matches.push({ kind: 'complaint', term: term(start, end), start, end, field });
    break;
  }

  // "!!!" only sharpens a sentence that already complains, and counts once.
  for (const m of original.matchAll(EMPHASIS)) {
    const from = sentenceStart(original, m.index);
    if (!matches.some((x) => x.kind === 'complaint' && x.start >= from && x.end <= m.index)) continue;
    scores.complaint += 1;
    matches.push({ kind: 'complaint', term: m[0], start: m.index, end: m.index + m[0].length, field });
    break;
  }

  for (const m of original.matchAll(QUESTION_END)) {
    const start = sentenceStart(original, m.index);
    const lead = original.slice(start, m.index).search(/\S/);
    if (lead < 0) continue;
    matches.push({ kind: 'question', term: term(start + lead, m.index + m[0].length), start: start + lead, end: m.index + m[0].length, field });
  }
  return { matches, scores };
}

/**
 * The intent of a customer's message (its new text, quotes removed) and optionally its subject.
 * A complaint wins whenever it reaches the threshold: a customer who complains still cares, and that
 * raises the conversation's priority. Then a feature idea, then thanks unless they also asked
 * something (a question needs an answer more than thanks need thanks), then a question.
 */
export function detectIntent(text: string, subject?: string): Intent {
  const body = scan(text, 'text');
  const head = subject ? scan(subject, 'subject') : { matches: [], scores: { complaint: 0, 'feature-request': 0, thanks: 0 } };
  const complaint = body.scores.complaint + head.scores.complaint;
  const featureRequest = body.scores['feature-request'] + head.scores['feature-request'];
  const thanks = body.scores.thanks + head.scores.thanks;
  const byStart = (a: IntentMatch, b: IntentMatch) => a.start - b.start;
  const matches = [...head.matches.sort(byStart), ...body.matches.sort(byStart)];
  const asked = matches.some((m) => m.kind === 'question');

  let kind: IntentKind = 'other';
  if (complaint >= THRESHOLD) kind = 'complaint';
  else if (featureRequest >= THRESHOLD) kind = 'feature-request';
  else if ((thanks >= THRESHOLD || (thanks > 0 && text.trim().length <= SHORT_MESSAGE_CHARS)) && (!asked || thanks >= STRONG_THANKS)) kind = 'thanks';
  else if (asked) kind = 'question';
  return { kind, complaint, featureRequest, thanks, matches };
}
