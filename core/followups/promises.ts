import { DAY_MS, fromLocal, localDay, toLocal } from './local-time.ts';

/**
 * Promises in what we sent: "I'll get back to you by Friday", "wir melden uns morgen", "je reviens vers
 * vous la semaine prochaine". A sentence promises when it has a first-person commitment and a time; the
 * time is resolved in the customer's time zone from the date the message was sent. A pure lexicon: the
 * detection is shown beside the message and staff correct or dismiss it, so plain beats clever.
 * English, German, French, Spanish and Dutch.
 */

export interface PromiseDetection {
  /** The sentence that promises, as written. */
  sentence: string;
  /** The words that name the time ("by Friday"). */
  whenText: string;
  /** When the reminder should appear: that day at the morning hour, their time. */
  dueAt: Date;
}

type When =
  | { kind: 'days'; days: number; business: boolean }
  | { kind: 'hours'; hours: number }
  | { kind: 'today' }
  | { kind: 'weekday'; weekday: number }
  | { kind: 'next_week' }
  | { kind: 'end_of_week' }
  | { kind: 'end_of_month' }
  | { kind: 'date'; month: number; day: number };

// Word edges that know letters beyond ASCII ("übermorgen", "mañana").
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
const alternation = (words: string[]) =>
  [...words]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+'))
    .join('|');

const NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  'a couple of': 2,
  'couple of': 2,
  'a few': 3,
  few: 3,
  ein: 1,
  eine: 1,
  einen: 1,
  einem: 1,
  einer: 1,
  zwei: 2,
  drei: 3,
  vier: 4,
  fünf: 5,
  sechs: 6,
  sieben: 7,
  'ein paar': 2,
  paar: 2,
  un: 1,
  une: 1,
  deux: 2,
  trois: 3,
  quatre: 4,
  cinq: 5,
  quelques: 3,
  uno: 1,
  una: 1,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  unos: 3,
  unas: 3,
  een: 1,
  één: 1,
  twee: 2,
  drie: 3,
  vijf: 5,
  'een paar': 2,
};
const DAY_UNITS = [
  'business days',
  'working days',
  'business day',
  'working day',
  'days',
  'day',
  'werktagen',
  'werktage',
  'werktag',
  'tagen',
  'tage',
  'tag',
  'jours ouvrés',
  'jours ouvrables',
  'jours',
  'jour',
  'días hábiles',
  'días',
  'dias',
  'día',
  'dia',
  'werkdagen',
  'werkdag',
  'dagen',
  'dag',
];
const WEEK_UNITS = ['weeks', 'week', 'wochen', 'woche', 'semaines', 'semaine', 'semanas', 'semana', 'weken'];
const HOUR_UNITS = ['hours', 'hour', 'stunden', 'stunde', 'heures', 'heure', 'horas', 'hora', 'uur'];
const WITHIN = [
  'in the next',
  'within the next',
  'over the next',
  'within',
  'in',
  'inside',
  'innerhalb von',
  'innerhalb',
  'binnen',
  'dans les',
  'dans',
  "d'ici",
  'sous',
  'en',
  'dentro de',
  'over',
];

const WEEKDAYS: Record<string, number> = {
  sunday: 0,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sonntag: 0,
  montag: 1,
  dienstag: 2,
  mittwoch: 3,
  donnerstag: 4,
  freitag: 5,
  samstag: 6,
  sonnabend: 6,
  dimanche: 0,
  lundi: 1,
  mardi: 2,
  mercredi: 3,
  jeudi: 4,
  vendredi: 5,
  samedi: 6,
  domingo: 0,
  lunes: 1,
  martes: 2,
  miércoles: 3,
  miercoles: 3,
  jueves: 4,
  viernes: 5,
  sábado: 6,
  sabado: 6,
  zondag: 0,
  maandag: 1,
  dinsdag: 2,
  woensdag: 3,
  donderdag: 4,
  vrijdag: 5,
  zaterdag: 6,
};
const WEEKDAY_BEFORE = [
  'by',
  'on',
  'until',
  'before',
  'next',
  'this',
  'coming',
  'this coming',
  'bis',
  'bis zum',
  'am',
  'nächsten',
  'kommenden',
  'diesen',
  "d'ici",
  'avant',
  'pour',
  'ce',
  'el',
  'para el',
  'antes del',
  'el próximo',
  'op',
  'voor',
  'uiterlijk',
  'aanstaande',
  'komende',
  'volgende',
];
const WEEKDAY_AFTER = ['prochain', 'que viene', 'próximo'];

const MONTHS: Record<string, number> = {
  january: 0,
  february: 1,
  march: 2,
  april: 3,
  may: 4,
  june: 5,
  july: 6,
  august: 7,
  september: 8,
  october: 9,
  november: 10,
  december: 11,
  januar: 0,
  februar: 1,
  märz: 2,
  mai: 4,
  juni: 5,
  juli: 6,
  oktober: 9,
  dezember: 11,
  janvier: 0,
  février: 1,
  mars: 2,
  avril: 3,
  juin: 5,
  juillet: 6,
  août: 7,
  septembre: 8,
  octobre: 9,
  novembre: 10,
  décembre: 11,
  enero: 0,
  febrero: 1,
  marzo: 2,
  abril: 3,
  mayo: 4,
  junio: 5,
  julio: 6,
  agosto: 7,
  septiembre: 8,
  octubre: 9,
  noviembre: 10,
  diciembre: 11,
  januari: 0,
  februari: 1,
  maart: 2,
  mei: 4,
  augustus: 7,
};

const FIXED: Array<[string, When]> = [
  ['the day after tomorrow|day after tomorrow|übermorgen|après-demain|apres-demain|pasado mañana|overmorgen', { kind: 'days', days: 2, business: false }],
  ['tomorrow|demain', { kind: 'days', days: 1, business: false }],
  // German and Dutch "morgen", Spanish "mañana" also mean "morning": not after the words that make them so.
  ['(?<!(?:guten|am|heute|jeden|den|diesen|gestern)\\s)morgen', { kind: 'days', days: 1, business: false }],
  ['(?<!(?:la|esta|pasado)\\s)mañana', { kind: 'days', days: 1, business: false }],
  [
    "later today|today|this afternoon|this evening|tonight|end of (?:the )?day|close of business|heute|im laufe des tages|aujourd'hui|ce soir|cet après-midi|dans la journée|hoy|esta tarde|esta noche|vandaag|vanmiddag|vanavond",
    { kind: 'today' },
  ],
  [
    '(?:early |the beginning of |the start of )?next week|(?:anfang )?(?:nächste|kommende)[rn]? woche|(?:au )?début de (?:la )?semaine prochaine|(?:la )?semaine prochaine|la (?:próxima|proxima) semana|la semana que viene|(?:begin )?volgende week|komende week',
    { kind: 'next_week' },
  ],
  [
    '(?:the )?end of (?:the |this )?week|the weekend|this week|ende (?:der|dieser) woche|diese woche|(?:la )?fin de (?:la )?semaine|cette semaine|(?:a |al )?final de (?:esta |la )?semana|esta semana|(?:het )?einde? van (?:de|deze) week|deze week',
    { kind: 'end_of_week' },
  ],
  [
    '(?:the )?end of (?:the |this )?month|ende (?:des|dieses) monats|monatsende|(?:la )?fin (?:du|de ce) mois|fin de mois|(?:a |al )?final de(?:l| este)? mes|fin de(?:l)? mes|(?:het )?einde? van (?:de|deze) maand|eind deze maand',
    { kind: 'end_of_month' },
  ],
];

interface TimePattern {
  re: RegExp;
  when(m: RegExpExecArray): When | null;
}

const num = (s: string) => (/^\d+$/.test(s) ? Number(s) : (NUMBERS[s.toLowerCase().replace(/\s+/g, ' ')] ?? null));
const TIME_PATTERNS: TimePattern[] = [
  ...FIXED.map(([source, when]): TimePattern => ({ re: new RegExp(`${B}(?:${source})${E}`, 'giu'), when: () => when })),
  {
    re: new RegExp(
      `${B}(?:${alternation(WITHIN)})\\s+(\\d{1,3}|${alternation(Object.keys(NUMBERS))})\\s+(${alternation([...DAY_UNITS, ...WEEK_UNITS, ...HOUR_UNITS])})${E}`,
      'giu',
    ),
    when: (m) => {
      const n = num(m[1]!);
      const unit = m[2]!.toLowerCase().replace(/\s+/g, ' ');
      if (n === null || n <= 0 || n > 400) return null;
      if (HOUR_UNITS.includes(unit)) return { kind: 'hours', hours: n };
      if (WEEK_UNITS.includes(unit)) return { kind: 'days', days: 7 * n, business: false };
      return { kind: 'days', days: n, business: /business|working|werk|ouvr|hábiles/.test(unit) };
    },
  },
  {
    re: new RegExp(`${B}(?:(?:${alternation(WEEKDAY_BEFORE)})\\s+)?(${alternation(Object.keys(WEEKDAYS))})(?:\\s+(?:${alternation(WEEKDAY_AFTER)}))?${E}`, 'giu'),
    when: (m) => ({ kind: 'weekday', weekday: WEEKDAYS[m[1]!.toLowerCase()]! }),
  },
  {
    re: new RegExp(
      `${B}(?:(?:by|on|until|before|bis zum|am|le|el|op|voor)\\s+)?(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th|er|\\.)?\\s+(?:of\\s+|de\\s+)?(${alternation(Object.keys(MONTHS))})${E}`,
      'giu',
    ),
    when: (m) => ({ kind: 'date', month: MONTHS[m[2]!.toLowerCase()]!, day: Number(m[1]) }),
  },
  {
    re: new RegExp(`${B}(?:(?:by|on|until|before)\\s+)?(${alternation(Object.keys(MONTHS))})\\s+(\\d{1,2})(?:st|nd|rd|th)?${E}`, 'giu'),
    when: (m) => ({ kind: 'date', month: MONTHS[m[1]!.toLowerCase()]!, day: Number(m[2]) }),
  },
];

const CUES = new RegExp(
  `${B}(?:${[
    // English: a first-person future
    "(?:i|we)(?:'ll| will| shall|'m going to| am going to|'re going to| are going to| promise to| aim to| plan to| expect to)",
    "you(?:'ll| will) (?:hear|get|have|receive)",
    'expect (?:to hear|an? (?:answer|update|reply|email)) from (?:me|us)',
    'i promise',
    // German
    '(?:ich|wir) (?:werde|werden|melde|melden|schicke|schicken|sende|senden|gebe|geben|kümmere|kümmern|prüfe|prüfen|schaue|schauen|rufe|rufen|liefere|liefern|komme|kommen)',
    '(?:melde|melden) (?:mich|uns)',
    '(?:bekommen|erhalten|hören) sie',
    // French
    "(?:je |j'|nous |on )(?:vous |te |t')?(?:vais|allons|va|reviens|revenons|reviendrai|reviendrons|enverrai|enverrons|écrirai|écrirons|confirmerai|confirmerons|recontacte|recontacterai|réponds|répondrai|écris|envoie|promets|tiens|tiendrai|tiendrons)",
    // Spanish
    '(?:te|le|les|os|se) (?:lo |la |los |las )?(?:escribo|escribiré|escribiremos|respondo|responderé|responderemos|envío|enviaré|enviaremos|aviso|avisaré|avisaremos|confirmo|confirmaré|confirmaremos|contesto|contestaré|llamo|llamaré|digo|diré|diremos)',
    '(?:voy|vamos) a',
    '(?:me|nos) (?:pondré|pondremos|pongo|ponemos) en contacto',
    // Dutch
    '(?:ik|we|wij) (?:laat|laten|stuur|sturen|kom|komen|zal|zullen|ga|gaan|bel|bellen|mail|mailen|kijk|kijken)',
    '(?:hoort u|hoor je) (?:van ons|van mij|het)',
  ].join('|')})${E}`,
  'giu',
);

// Futures that announce, not promise: "we'll be closed on Monday".
const ANNOUNCEMENTS = new RegExp(
  `${B}(?:(?:i|we)(?:'ll| will) be (?:closed|away|out|off|on holiday|on vacation|unavailable)|(?:ich bin|wir sind) (?:nicht da|im urlaub)|(?:je serai|nous serons) (?:absent|fermés?))${E}`,
  'giu',
);

interface Found {
  index: number;
  text: string;
  when: When;
}

function timesIn(sentence: string): Found[] {
  const found: Found[] = [];
  for (const p of TIME_PATTERNS) {
    p.re.lastIndex = 0;
    for (let m = p.re.exec(sentence); m; m = p.re.exec(sentence)) {
      const when = p.when(m);
      if (when) found.push({ index: m.index, text: m[0], when });
    }
  }
  // At one place the longest reading wins: "the day after tomorrow" over "tomorrow".
  return found.sort((a, b) => a.index - b.index || b.text.length - a.text.length).filter((f, i, all) => i === 0 || f.index >= all[i - 1]!.index + all[i - 1]!.text.length);
}

/** The time of the reminder: the promised day at the morning hour, their time; "today" late in their afternoon. */
function resolve(when: When, sentAt: Date, offset: number | null, hour: number): Date | null {
  const local = toLocal(sentAt, offset);
  const today = localDay(local);
  const dow = today.getUTCDay();
  const morningOf = (day: Date) => fromLocal(new Date(day.getTime() + hour * 3_600_000), offset);
  const sameDay = () => {
    const afternoon = fromLocal(new Date(today.getTime() + 16 * 3_600_000), offset);
    return afternoon.getTime() >= sentAt.getTime() + 3_600_000 ? afternoon : new Date(sentAt.getTime() + 2 * 3_600_000);
  };
  let due: Date;
  switch (when.kind) {
    case 'today':
      return sameDay();
    case 'hours':
      return new Date(sentAt.getTime() + when.hours * 3_600_000);
    case 'days': {
      let day = today;
      if (when.business) {
        for (let left = when.days; left > 0; ) {
          day = new Date(day.getTime() + DAY_MS);
          if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) left--;
        }
      } else day = localDay(local, when.days);
      due = morningOf(day);
      break;
    }
    case 'weekday':
      due = morningOf(localDay(local, (when.weekday - dow + 7) % 7 || 7));
      break;
    case 'next_week':
      due = morningOf(localDay(local, (1 - dow + 7) % 7 || 7));
      break;
    case 'end_of_week':
      if (dow === 5) return sameDay();
      due = morningOf(localDay(local, (5 - dow + 7) % 7));
      break;
    case 'end_of_month': {
      const last = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 0));
      due = morningOf(last);
      break;
    }
    case 'date': {
      const daysIn = new Date(Date.UTC(2024, when.month + 1, 0)).getUTCDate();
      if (when.day < 1 || when.day > daysIn) return null;
      let day = new Date(Date.UTC(today.getUTCFullYear(), when.month, when.day));
      if (day.getTime() < today.getTime()) day = new Date(Date.UTC(today.getUTCFullYear() + 1, when.month, when.day));
      due = morningOf(day);
      break;
    }
  }
  // A promise for a day already under way is due later that day.
  return due.getTime() <= sentAt.getTime() ? sameDay() : due;
}

/**
 * The promise in a message of ours, or null. With several, the one due first; within a sentence, the
 * time named after the commitment ("closed Monday, but I'll send it Tuesday" is Tuesday).
 */
export function detectPromise(text: string, sentAt: Date, utcOffsetMinutes: number | null, morningHour = 9): PromiseDetection | null {
  const own = text
    .replace(/[’‘ʼ]/g, "'")
    .split('\n')
    .filter((l) => !/^\s*>/.test(l))
    .join('\n')
    .split(/^-- ?$/m)[0]!;
  let best: PromiseDetection | null = null;
  for (const raw of own.split(/(?<=[.!?])\s+|\n+/)) {
    const sentence = raw.trim();
    if (!sentence) continue;
    const plain = sentence.replace(ANNOUNCEMENTS, (m) => ' '.repeat(m.length));
    CUES.lastIndex = 0;
    const cue = CUES.exec(plain);
    if (!cue) continue;
    const times = timesIn(sentence);
    const chosen = times.find((t) => t.index >= cue.index) ?? times[times.length - 1];
    if (!chosen) continue;
    const dueAt = resolve(chosen.when, sentAt, utcOffsetMinutes, morningHour);
    if (dueAt && (!best || dueAt.getTime() < best.dueAt.getTime())) best = { sentence: sentence.slice(0, 300), whenText: chosen.text.replace(/\s+/g, ' '), dueAt };
  }
  return best;
}
