/**
 * What a message added: the customer's own words, with the quoted history and the signature taken
 * off. Our own line rules go first (attribution lines across clients and languages, Outlook header
 * blocks, forward markers, "> " quoting, inline replies, dash-line and mobile signatures); email-reply-parser then looks
 * at what is left for the sign-offs and the quote headers of languages we do not list ourselves.
 */
import EmailReplyParser from 'email-reply-parser';

export interface ExtractedText {
  /** What this message added. Never empty when the message had any text. */
  newText: string;
  /** Quoted history: "> " lines, attribution lines and everything under a quote header. */
  quoted: string;
  signature: string;
}

type Kind = 'new' | 'quoted' | 'signature';

/** "On <date>, <name> wrote:" and its translations. Must contain a digit (the date) to count on its own. */
const ATTRIBUTIONS: RegExp[] = [
  /^on\s.+\swrote\s?:$/i, // en: Gmail, Apple Mail, Thunderbird
  /^am\s.+\sschrieb\b.*:$/i, // de: Am 03.11.2026 um 10:02 schrieb Dana <d@x>:
  /^am\s.+\shat\s.+\sgeschrieben\s?:$/i, // de, Gmail for Android: Am Do., 3. Dez. 2026, 10:02 hat Dana <d@x> geschrieben:
  /^le\s.+\sa\s+écrit\s?:$/i, // fr: Le lun. 3 nov. 2026 à 10:02, Dana <d@x> a écrit :
  /^el\s.+\sescribió\s?:$/i, // es: El lun, 3 nov 2026 a las 10:02, Dana (<d@x>) escribió:
  /^op\s.+\sschreef\b.*:$/i, // nl: Op ma 3 nov. 2026 om 10:02 schreef Dana <d@x>:
  /^op\s.+\sheeft\s.+\sgeschreven\s?:$/i, // nl, Apple Mail: Op 3 nov. 2026 om 10:02 heeft Dana <d@x> het volgende geschreven:
  /^den\s.+\sskrev\b.*:$/i, // sv, da, no: Den 3 nov. 2026 kl. 10:02 skrev Dana <d@x>:
  /^il\s.+\sha\s+scritto\s?:$/i, // it
  /^(?:em|às)\s.+\sescreveu\s?:$/i, // pt
  /^(?:w\s+dniu|dnia)\s.+\s(?:pisze|napisał\(a\)|napisała?)\s?:$/i, // pl
  /^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}.+\s(?:wrote|schrieb|a\s+écrit|escribió|schreef|skrev|ha\s+scritto|escreveu)\s?:$/i, // "03.11.2026 10:02, Dana wrote:"
];
/** Looser "<name> wrote:" lines: only taken as attributions right above "> " quoted lines. */
const WEAK_ATTRIBUTION = /^.{1,200}\s(?:wrote|writes|schrieb|geschrieben|a\s+écrit|escribió|schreef|geschreven|skrev|ha\s+scritto|escreveu|napisał\(a\)|napisała?|kirjoitti)\s?:$/i;
const ATTRIBUTION_START = /^(?:on|am|le|el|op|den|il|em|às|w\s+dniu|dnia|\d{1,4}[./-]\d)\s/i;

const ORIGINAL_MESSAGE = new RegExp(
  "^[-_=* ]{2,}\\s*(?:original message|ursprüngliche nachricht|originalnachricht|message d'origine|message original|mensaje original|" +
    'oorspronkelijk bericht|origineel bericht|originalmeddelande|ursprungligt meddelande|oprindelig meddelelse|' +
    'opprinnelig melding|messaggio originale|mensagem original|wiadomość oryginalna|alkuperäinen viesti|' +
    'forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|doorgestuurd bericht|' +
    'vidarebefordrat meddelande|messaggio inoltrato|mensagem encaminhada)\\s*[-_=* ]{2,}$',
  'i',
);
const FORWARD_INTRO =
  /^(?:begin forwarded message|anfang der weitergeleiteten (?:nachricht|e-mail)|début du message réexpédié|inicio del mensaje reenviado|begin doorgestuurd bericht|vidarebefordrat brev)\s*:$/i;
const UNDERSCORES = /^_{10,}$/;
const FROM_FIELD = /^\*?(?:from|von|de|van|från|fra|da|od|lähettäjä|feladó|от|差出人|发件人|寄件者)\s*\*?\s*[:：]\s*\*?\s*\S/i;
const HEADER_FIELD =
  /^\*?(?:sent|date|to|cc|bcc|subject|gesendet|datum|an|betreff|envoyé|à|objet|enviado|fecha|para|asunto|assunto|verzonden|aan|onderwerp|skickat|till|ämne|kopia|inviato|data|a|oggetto|sendt|til|emne|wysłane|do|temat|lähetetty|vastaanottaja|aihe|kopie|kopi|rispondi a|reply-to)\s*\*?\s*[:：]/i;
const SUBJECT_FIELD = /^\*?(?:subject|betreff|objet|asunto|assunto|onderwerp|ämne|oggetto|emne|temat|aihe|件名|主题|主旨)\s*\*?\s*[:：]/i;

const MOBILE_SIGNATURES: RegExp[] = [
  /^sent (?:from|with|via|using) (?:my |the )?\S/i,
  /^get outlook for \S/i,
  /^outlook (?:für|voor) \S+ (?:herunterladen|downloaden)\b/i,
  /^(?:télécharger|obtener|obtenir) outlook (?:pour|para) \S/i,
  /^von meinem .{1,40} gesendet\b/i,
  /^(?:gesendet|versendet) (?:von|mit) (?:meinem |der )?\S/i,
  /^envoyé (?:de|depuis|à partir de) (?:mon |ma )?\S/i,
  /^enviado (?:desde|do|de) (?:mi |meu |o meu )?\S/i,
  /^(?:verzonden|verstuurd) (?:vanaf|met|vanuit|via) (?:mijn )?\S/i,
  /^skickat från (?:min )?\S/i,
  /^sendt fra (?:min )?\S/i,
  /^inviato da(?:l mio)? \S/i,
];

export function extractNewText(text: string): ExtractedText {
  const source = (text ?? '').replace(/\r\n?/g, '\n');
  const lines = source.split('\n');
  const kinds = classifyQuotes(lines);
  markSignature(lines, kinds);
  applyReplyParser(lines, kinds);

  const pick = (kind: Kind): string => tidy(lines.filter((_, i) => kinds[i] === kind).join('\n'));
  const newText = pick('new');
  if (newText === '') return { newText: tidy(source), quoted: '', signature: '' };
  return { newText, quoted: pick('quoted'), signature: pick('signature') };
}

/** Quoted lines, attribution lines and cut-off history marked 'quoted'; the rest 'new'. */
function classifyQuotes(lines: string[]): Kind[] {
  const kinds: Kind[] = lines.map(() => 'new');
  const cut = (from: number): Kind[] => {
    for (let j = from; j < lines.length; j++) kinds[j] = 'quoted';
    return kinds;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (isQuoteLine(lines[i]!)) {
      kinds[i] = 'quoted';
      continue;
    }
    if (line === '') continue;

    const span = attributionSpan(lines, i);
    if (span > 0) {
      const next = nextNonBlank(lines, i + span);
      if (next !== -1 && isQuoteLine(lines[next]!)) {
        // The quote is "> " prefixed: drop the attribution, keep answers written between quoted lines.
        for (let j = i; j < i + span; j++) kinds[j] = 'quoted';
        i += span - 1;
        continue;
      }
      if (isStrongAttribution(lines, i, span)) return cut(i);
    }
    if (ORIGINAL_MESSAGE.test(line) || FORWARD_INTRO.test(line)) return cut(i);
    if (UNDERSCORES.test(line)) {
      const next = nextNonBlank(lines, i + 1);
      if (next !== -1 && next <= i + 2 && isHeaderBlock(lines, next)) return cut(i);
    }
    if (isHeaderBlock(lines, i)) return cut(i);
  }
  return kinds;
}

function isQuoteLine(line: string): boolean {
  return /^[ \t]*>/.test(line);
}

function nextNonBlank(lines: string[], from: number): number {
  for (let j = from; j < lines.length; j++) if (lines[j]!.trim() !== '') return j;
  return -1;
}

/** How many lines (1 to 3) an attribution starting at `i` spans, or 0. Clients wrap long ones. */
function attributionSpan(lines: string[], i: number): number {
  const first = lines[i]!.trim();
  if (first.length > 300) return 0;
  if (isAttribution(first) || WEAK_ATTRIBUTION.test(first)) return 1;
  if (!ATTRIBUTION_START.test(first)) return 0;
  let joined = first;
  for (let span = 2; span <= 3 && i + span - 1 < lines.length; span++) {
    const part = lines[i + span - 1]!;
    if (part.trim() === '' || isQuoteLine(part)) return 0;
    joined += ` ${part.trim()}`;
    if (joined.length > 400) return 0;
    if (isAttribution(joined)) return span;
  }
  return 0;
}

function isAttribution(line: string): boolean {
  return /\d/.test(line) && ATTRIBUTIONS.some((re) => re.test(line));
}

function isStrongAttribution(lines: string[], i: number, span: number): boolean {
  return isAttribution(
    lines
      .slice(i, i + span)
      .map((l) => l.trim())
      .join(' '),
  );
}

/**
 * An Outlook-style header block: a From line followed closely by at least two more header fields,
 * with an address on the From line or a Subject field (so "From: Hamburg / To: Leeds / Date: Monday"
 * written by a customer is not taken for one).
 */
function isHeaderBlock(lines: string[], i: number): boolean {
  const from = lines[i]!.trim();
  if (!FROM_FIELD.test(from)) return false;
  let fields = 0;
  let subject = false;
  for (let j = i + 1; j < Math.min(lines.length, i + 8); j++) {
    const l = lines[j]!.trim();
    if (l === '') {
      if (fields > 0) break;
      continue;
    }
    if (HEADER_FIELD.test(l)) fields++;
    if (SUBJECT_FIELD.test(l)) subject = true;
  }
  return fields >= 2 && (subject || /@|\[mailto:/i.test(from));
}

/** A line of its own that people and programs put above a signature: "-- ", "--", or a typed "—" / "–". */
const DELIMITER = /^(?:--|[—–]) ?$/;
/** "-- Greg Hollis, Hollis Catering" on one line: a signature only among the last few lines. */
const DASH_NAME = /^(?:--|[—–]) \p{Lu}[^-—–]{0,80}$/u;
const DASH_NAME_MAX_LINES_AFTER = 3;

/** Delimiter lines and "Sent from my iPhone" lines: they and what follows among the new lines are the signature. */
function markSignature(lines: string[], kinds: Kind[]): void {
  for (let i = 0; i < lines.length; i++) {
    if (kinds[i] !== 'new') continue;
    const raw = lines[i]!;
    const line = raw.trim();
    const delimiter = DELIMITER.test(raw) || (DASH_NAME.test(raw) && newLinesAfter(lines, kinds, i) <= DASH_NAME_MAX_LINES_AFTER);
    const mobile = line.length <= 100 && MOBILE_SIGNATURES.some((re) => re.test(line));
    if (delimiter || mobile) {
      for (let j = i; j < lines.length; j++) if (kinds[j] === 'new') kinds[j] = 'signature';
      return;
    }
  }
}

function newLinesAfter(lines: string[], kinds: Kind[], i: number): number {
  let n = 0;
  for (let j = i + 1; j < lines.length; j++) if (kinds[j] === 'new' && lines[j]!.trim() !== '') n++;
  return n;
}

/**
 * Runs email-reply-parser over the lines still counted as new, and takes from it the first
 * signature or quote it finds (sign-offs like "Kind regards," and quote headers in languages we
 * do not list), mapped back onto our lines. Its regular expressions backtrack badly on long input,
 * so it sees at most the first REPLY_PARSER_MAX_CHARS, and long lines only as a placeholder.
 */
function applyReplyParser(lines: string[], kinds: Kind[]): void {
  const index: number[] = [];
  const passed: string[] = [];
  let size = 0;
  for (let i = 0; i < lines.length && size < REPLY_PARSER_MAX_CHARS; i++) {
    if (kinds[i] !== 'new') continue;
    const line = lines[i]!.length > REPLY_PARSER_MAX_LINE ? LONG_LINE : lines[i]!;
    index.push(i);
    passed.push(line);
    size += line.length + 1;
  }
  if (index.length === 0) return;
  const given = forReplyParser(passed);
  let fragments: { hidden: boolean; kind: Kind; content: string }[];
  try {
    const email = new EmailReplyParser().read(given.join('\n'));
    fragments = email.getFragments().map((f) => ({
      hidden: f.isHidden(),
      kind: f.isSignature() ? 'signature' : f.isQuoted() ? 'quoted' : 'new',
      content: f.getContent(),
    }));
  } catch {
    return;
  }
  const hidden = fragments.find((f) => f.hidden && f.kind !== 'new' && f.content.trim() !== '');
  if (!hidden) return;
  const firstLine = norm(hidden.content.split('\n').find((l) => l.trim() !== '') ?? '');
  if (!firstLine) return;
  let at = passed.findIndex((l) => norm(l) === firstLine);
  // the parser joins an attribution it finds wrapped over lines: match its start
  if (at === -1) at = passed.findIndex((l) => norm(l) !== '' && firstLine.startsWith(norm(l)));
  if (at === -1) return;
  // Nothing of the customer's would be left: keep ours.
  if (!passed.slice(0, at).some((l) => l.trim() !== '')) return;
  for (const i of index.slice(at)) kinds[i] = hidden.kind;
  // lines past what the parser saw follow the signature or quote it found
  for (let i = index[index.length - 1]! + 1; i < lines.length; i++) if (kinds[i] === 'new') kinds[i] = hidden.kind;
}

/**
 * Every word or mark one of email-reply-parser's patterns needs (a sign-off, a separator's neighbour, a quote
 * header in any of its languages, "From:" and its translations at a line's start, a header's closing ">:").
 */
const PARSER_WORDS =
  /wrote|écrit|escribió|scritto|escreveu|schrieb|schreef|pisze|napisał|skrev|kirjoitti|г\. в|写道|작성|のメッセージ|^\s*(?:from|von|de|van|da)\s?:|>\s*:|original|oprindelig|origine|ursprüngliche|sent from|outlook|cheers|best wishes|regards|gesendet|sendt fra|envoyé|bien . vous|cordialement|bonne|enviado desde|verzonden vanaf|verstuurd vanaf/i;
/** Its patterns that may run across any number of lines ("Op <date>\n…\nschreef …:"). */
const SPANNING_WORDS = /schreef|pisze|napisał|写道|skrev/i;
/** Lines up to this long are given as they are: short lines cost its patterns little. */
const PARSER_SHORT_LINE = 80;

/**
 * What email-reply-parser is given: a long line it could not act on, one holding none of PARSER_WORDS nor
 * followed within two lines by one that does (its headers wrap over at most three), becomes a placeholder. Its
 * patterns backtrack badly on long lines, and on a customer's paragraphs they cannot match, so what it finds
 * is the same and costs a fraction.
 */
function forReplyParser(passed: string[]): string[] {
  if (SPANNING_WORDS.test(passed.join('\n'))) return passed;
  const words = passed.map((l) => PARSER_WORDS.test(l));
  return passed.map((l, i) => (l.length > PARSER_SHORT_LINE && !words[i] && !words[i + 1] && !words[i + 2] ? PLACEHOLDER : l));
}
const PLACEHOLDER = 'x';

const REPLY_PARSER_MAX_CHARS = 16 * 1024;
const REPLY_PARSER_MAX_LINE = 1000;
const LONG_LINE = '[long line]';

function norm(line: string): string {
  return line.replace(/\s+/g, ' ').trim();
}

/** Trailing spaces off each line (the "-- " delimiter aside), at most one blank line in a row, trimmed. */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((l) => (l === '-- ' ? l : l.trimEnd()))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
    .trimEnd();
}
