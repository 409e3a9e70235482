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

export interface MailboxOptions {
  count: number;
  seed?: number;
  /** How many different customers write; a support inbox of a few years has about one for every ten messages. */
  senders?: number;
  ourAddress?: string;
  end?: Date;
  spanDays?: number;
  tag?: string;
}

const PARAGRAPHS = [
  'I ordered the 28 cm carbon steel pan on the 3rd and paid for express delivery, but the tracking page still says the parcel is waiting at the depot.',
  'We use your knives in our kitchen every day, twelve cooks on two shifts, so the edge matters more to us than the look of the handle.',
  'The enamel on the lid chipped near the rim after the second wash. I only used the soft side of the sponge and never put it in the dishwasher.',
  'Could you tell me whether the seasoning you put on at the factory is safe for a customer with a soy allergy? She is asking before she orders.',
  'Our accountant needs the invoice to show the company name exactly as it is registered, with the VAT number, and the delivery address separately.',
  'I have attached a photo of the handle where the rivet came loose. It started wobbling last week and now it turns when I lift the pan.',
  'Last year you told me the larger sauté pan would be back in stock in spring. Is there any news? I would still like two of them for the restaurant.',
  'My mother gave me your cast iron skillet for my wedding and I would like to buy the matching lid, but I cannot find it on the website any more.',
];
const OUR_PARAGRAPHS = [
  'I looked up your order: the parcel left our workshop on Tuesday and the carrier has it at their Leeds depot. I asked them to put it on tomorrow morning’s van.',
  'The rivet should never work loose, so this one is on us. A new pan goes out to you today, and you can keep the old one for the oven.',
  'Yes, the factory seasoning is plain rapeseed oil, nothing else: no soy, no nuts. I have put the sheet from our supplier in the attachment.',
  'I have changed the invoice to your registered company name and added the VAT number; the corrected PDF is attached.',
  'The larger sauté pan comes back in the second week of May. I have put two aside for you and will write the day they arrive.',
];

/** Pseudo-random bytes for an attachment: incompressible, like a photo or a PDF. */
function noise(random: () => number, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = Math.floor(random() * 256);
  return out;
}

function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

function htmlOf(text: string): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => `<p style="margin:0 0 12px 0;font-family:Arial,sans-serif;font-size:14px">${p.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\n/g, '<br>')}</p>`);
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><style>p{color:#222}</style></head><body><div dir="ltr">${paragraphs.join('\n')}</div></body></html>`;
}

/**
 * A realistic support mailbox, as bench:sync measures a first sync on: about a thousand customers for ten
 * thousand messages, reply chains with References and the quoted history mail programs add, plain text
 * and HTML alternatives, signatures, and photos or PDFs attached to about one message in eight; messages of
 * 1 to 20 KiB, about 7.5 KiB on average. Seeded, so a run can be repeated exactly.
 */
export function generateMailbox(o: MailboxOptions): GeneratedMail[] {
  const random = seededRandom(o.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const us = o.ourAddress ?? 'support@fernhill.example';
  const tag = o.tag ?? 'box';
  const end = (o.end ?? new Date('2026-06-01T12:00:00Z')).getTime();
  const span = (o.spanDays ?? 3 * 365) * 86_400_000;
  const customers = Array.from({ length: o.senders ?? Math.max(3, Math.round(o.count / 10)) }, (_, i) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    return { name: `${first} ${last}`, first, address: `${first}.${last}.${tag}${i}@${pick(DOMAINS)}`.toLowerCase() };
  });
  const out: GeneratedMail[] = [];
  for (let c = 0; out.length < o.count; c++) {
    // Every customer writes at least once; then some write again and again, as in a real inbox.
    const customer = c < customers.length ? customers[c]! : pick(customers);
    const [topic] = pick(TOPICS);
    const subject = `${topic} (order ${10_000 + c})`;
    let date = end - random() * span;
    const ids: string[] = [];
    let history = '';
    const length = 1 + Math.floor(random() * 10);
    for (let i = 0; i < length && out.length < o.count; i++) {
      const fromUs = i % 2 === 1;
      const messageId = `${tag}-${c}-${i}.${Math.floor(random() * 1e9).toString(36)}@${fromUs ? 'fernhill.example' : customer.address.split('@')[1]}`;
      const words = Array.from({ length: 2 + Math.floor(random() * 5) }, () => pick(fromUs ? OUR_PARAGRAPHS : PARAGRAPHS));
      const own = fromUs
        ? `Hi ${customer.first},\n\n${words.join('\n\n')}\n\nDana\nFernhill Cookware`
        : `Hello,\n\n${words.join('\n\n')}\n\nBest wishes,\n${customer.name}\n-- \nSent from my phone`;
      const when = new Date(date).toUTCString().replace('GMT', '+0000');
      const html = random() < 0.75;
      const attachment = random() < 0.125 ? noise(random, 3_000 + Math.floor(random() * 6_000)) : null;
      // Mail programs quote the whole history below a reply; it is cut so that a message stays under 20 KiB.
      const room = Math.max(0, Math.floor((19_000 - (attachment ? attachment.length * 1.4 : 0)) / (html ? 2.3 : 1)) - own.length - 100);
      const text = history ? `${own}\n\nOn ${when}, ${fromUs ? customer.name : 'Fernhill Support'} wrote:\n${history.slice(0, room)}` : own;
      history = text
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n');
      const headers = [
        `From: ${fromUs ? `Dana Okafor <${us}>` : `${customer.name} <${customer.address}>`}`,
        `To: ${fromUs ? `${customer.name} <${customer.address}>` : `Fernhill Support <${us}>`}`,
        `Subject: ${i === 0 ? subject : `Re: ${subject}`}`,
        `Date: ${when}`,
        `Message-ID: <${messageId}>`,
        ...(ids.length ? [`In-Reply-To: <${ids[ids.length - 1]}>`, `References: ${ids.map((id) => `<${id}>`).join(' ')}`] : []),
        'MIME-Version: 1.0',
      ];
      const plain = `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text.replace(/\n/g, '\r\n')}\r\n`;
      let body = html
        ? `Content-Type: multipart/alternative; boundary="alt-${c}-${i}"\r\n\r\n--alt-${c}-${i}\r\n${plain}--alt-${c}-${i}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${htmlOf(text)}\r\n--alt-${c}-${i}--\r\n`
        : plain;
      if (attachment) {
        const photo = random() < 0.5;
        body = `Content-Type: multipart/mixed; boundary="mix-${c}-${i}"\r\n\r\n--mix-${c}-${i}\r\n${body}--mix-${c}-${i}\r\nContent-Type: ${photo ? 'image/jpeg' : 'application/pdf'}; name="${photo ? 'photo.jpg' : 'invoice.pdf'}"\r\nContent-Disposition: attachment; filename="${photo ? 'photo.jpg' : 'invoice.pdf'}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(attachment)}\r\n--mix-${c}-${i}--\r\n`;
      }
      out.push({ messageId, raw: `${headers.join('\r\n')}\r\n${body}`, date: new Date(date), fromUs });
      ids.push(messageId);
      date += (1 + random() * 72) * 3_600_000;
    }
  }
  return out;
}
