/**
 * Realistic generated support mail: customers at a few companies and free-mail domains, conversations
 * of one to six messages with proper References, replies from us, dates spread over months. Seeded, so
 * a run can be repeated exactly.
 */

export interface GeneratedMail {
  messageId: string;
  raw: string;
  date: Date;
  fromUs: boolean;
}

export interface GeneratorOptions {
  count: number;
  seed?: number;
  ourAddress?: string;
  /** The newest message's date; the others go back `spanDays` from it. */
  end?: Date;
  spanDays?: number;
  /** A prefix for Message-IDs and addresses, so two runs in one mailbox never collide. */
  tag?: string;
}

const FIRST = [
  'Maria',
  'Jonas',
  'Aisha',
  'Ben',
  'Camille',
  'Ruth',
  'Owen',
  'Mei',
  'Lukas',
  'Priya',
  'Nadia',
  'Gareth',
  'Julia',
  'Tom',
  'Sofia',
  'Kenji',
  'Amara',
  'Lars',
  'Elena',
  'Diego',
];
const LAST = [
  'Lopez',
  'Berg',
  'Bello',
  'Oduya',
  'Dubois',
  'Calloway',
  'Fairweather',
  'Chen',
  'Brandt',
  'Nair',
  'Haddad',
  'Pryce',
  'Marchetti',
  'Baker',
  'Rossi',
  'Sato',
  'Okoye',
  'Nilsen',
  'Petrova',
  'Alvarez',
];
const DOMAINS = ['gmail.com', 'outlook.com', 'bakery.example', 'atelier.example', 'cookschool.example', 'trattoria.example', 'hotelgroup.example', 'cafe-berg.example'];
const TOPICS = [
  ['Does the 28 cm pan work on induction?', 'I am looking at your carbon steel pan. Does it work on an induction hob, and how heavy is it?'],
  ['Order delivery', 'My order has not arrived yet and the tracking has not moved for three days. Could you check?'],
  ['Warped frying pan', 'The pan warped after two uses. I am really disappointed, it was not cheap.'],
  ['Replacement handles?', 'Could you sell replacement handles? One of mine cracked and the pan is otherwise perfect.'],
  ['Invoice with our VAT number', 'Could you send an invoice for my last order with our VAT number on it?'],
  ['Knife sharpening', 'How often should I sharpen the santoku, and which whetstone do you recommend?'],
  ['Gift wrap', 'Do you gift wrap? I want to send a knife to my father for his birthday.'],
  ['Thank you!', 'Just wanted to say thank you, the pans arrived and they are wonderful.'],
];
const REPLIES = [
  'Thanks for the quick answer. One more question: does it come with a lid?',
  'That worked, thank you!',
  'Still nothing here, I am getting worried.',
  'Perfect, I have placed the order.',
];

/** A small seeded PRNG (mulberry32): the same seed gives the same mailbox. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateMail(o: GeneratorOptions): GeneratedMail[] {
  const random = seededRandom(o.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const us = o.ourAddress ?? 'support@fernhill.example';
  const tag = o.tag ?? 'gen';
  const end = (o.end ?? new Date('2026-06-01T12:00:00Z')).getTime();
  const span = (o.spanDays ?? 180) * 86_400_000;
  const customers = Array.from({ length: Math.max(3, Math.ceil(o.count / 8)) }, (_, i) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    return { name: `${first} ${last}`, address: `${first}.${last}.${tag}${i}@${pick(DOMAINS)}`.toLowerCase() };
  });
  const out: GeneratedMail[] = [];
  for (let c = 0; out.length < o.count; c++) {
    const customer = pick(customers);
    const [topic, body] = pick(TOPICS);
    // Each conversation its own subject, as real ones mostly have (an order number, a product).
    const subject = `${topic} (${tag} #${c})`;
    let date = end - random() * span;
    const ids: string[] = [];
    const length = 1 + Math.floor(random() * 6);
    for (let i = 0; i < length && out.length < o.count; i++) {
      const fromUs = i % 2 === 1;
      const messageId = `${tag}-${c}-${i}@${fromUs ? 'fernhill.example' : customer.address.split('@')[1]}`;
      const text = fromUs
        ? `Hi ${customer.name.split(' ')[0]},\n\nThanks for writing. Here is what I found out for you (conversation ${c}).\n\nDana`
        : i === 0
          ? `Hello,\n\n${body}\n\nBest,\n${customer.name}`
          : `${pick(REPLIES)}\n\n${customer.name.split(' ')[0]}`;
      const headers = [
        `From: ${fromUs ? `Dana Okafor <${us}>` : `${customer.name} <${customer.address}>`}`,
        `To: ${fromUs ? `${customer.name} <${customer.address}>` : `Fernhill Support <${us}>`}`,
        `Subject: ${i === 0 ? subject : `Re: ${subject}`}`,
        `Date: ${new Date(date).toUTCString().replace('GMT', '+0000')}`,
        `Message-ID: <${messageId}>`,
        ...(ids.length ? [`In-Reply-To: <${ids[ids.length - 1]}>`, `References: ${ids.map((id) => `<${id}>`).join(' ')}`] : []),
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
      ];
      out.push({ messageId, raw: `${headers.join('\r\n')}\r\n\r\n${text.replace(/\n/g, '\r\n')}\r\n`, date: new Date(date), fromUs });
      ids.push(messageId);
      date += (1 + random() * 72) * 3_600_000;
    }
  }
  return out;
}
