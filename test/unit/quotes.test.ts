import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../core/mail/parse.ts';
import { extractNewText } from '../../core/mail/quotes.ts';

describe('extractNewText: top-posted replies', () => {
  it('Gmail, attribution wrapped over two lines', () => {
    const text = `Thanks, the new lid fits perfectly!

On Mon, 3 Nov 2026 at 10:02, Tom Baker from Fernhill <tom@fernhill.example>
wrote:

> Hi Dana,
>
> a new lid is on its way.
>
> Tom
`;
    const r = extractNewText(text);
    expect(r.newText).toBe('Thanks, the new lid fits perfectly!');
    expect(r.quoted).toBe('On Mon, 3 Nov 2026 at 10:02, Tom Baker from Fernhill <tom@fernhill.example>\nwrote:\n> Hi Dana,\n>\n> a new lid is on its way.\n>\n> Tom');
    expect(r.signature).toBe('');
  });

  it('Gmail, address broken across lines', () => {
    const text = 'Got it, thank you.\n\nOn Tue, 4 Nov 2026 at 09:12, Fernhill Customer Support Team <\nsupport@fernhill.example> wrote:\n\n> Your refund was issued today.\n';
    expect(extractNewText(text).newText).toBe('Got it, thank you.');
  });

  it('Outlook desktop header block (no quote marks)', () => {
    const text = `Yes, please send the replacement to my work address.

Best,
Greg

From: Tom Baker <tom@fernhill.example>
Sent: Monday, November 3, 2026 10:02 AM
To: Greg Hollis <greg@hollis.example>
Subject: RE: Replacement lid

Hi Greg, shall we send the replacement to the same address?

Tom
`;
    const r = extractNewText(text);
    expect(r.newText).toBe('Yes, please send the replacement to my work address.\n\nBest,\nGreg');
    expect(r.quoted.split('\n')[0]).toBe('From: Tom Baker <tom@fernhill.example>');
    expect(r.quoted).toContain('Hi Greg, shall we send the replacement');
  });

  it('Outlook on the web: underscore separator and a localized header block', () => {
    const text = `Ja, gerne.

________________________________
Von: Tom Baker <tom@fernhill.example>
Gesendet: Montag, 3. November 2026 10:02
An: Greg Hollis
Betreff: AW: Ersatzdeckel

Hallo Greg, sollen wir den Deckel schicken?
`;
    const r = extractNewText(text);
    expect(r.newText).toBe('Ja, gerne.');
    expect(r.quoted.startsWith('________________________________\nVon: Tom Baker')).toBe(true);
  });

  it('Outlook header block naming the sender without an address', () => {
    const text = 'Thursday is fine.\nFrom: Tom Baker\nSent: Monday, November 3, 2026 10:02 AM\nTo: Greg Hollis\nSubject: RE: Delivery slot\n\nWould Thursday suit you?\n';
    expect(extractNewText(text).newText).toBe('Thursday is fine.');
  });

  it('does not take a customer\'s own "From:/To:/Date:" lines for a header block', () => {
    const text = 'Please quote me for a pallet:\nFrom: Hamburg\nTo: Leeds\nDate: any day next week\n\nThanks, Greg';
    expect(extractNewText(text).newText).toBe(text);
  });

  it('Outlook "-----Original Message-----"', () => {
    const text = `Sure, Thursday works.

-----Original Message-----
From: Tom Baker
Sent: Monday, November 3, 2026 10:02
Subject: pickup

Can you drop by on Thursday?
`;
    const r = extractNewText(text);
    expect(r.newText).toBe('Sure, Thursday works.');
    expect(r.quoted).toBe('-----Original Message-----\nFrom: Tom Baker\nSent: Monday, November 3, 2026 10:02\nSubject: pickup\n\nCan you drop by on Thursday?');
  });

  it('Apple Mail on iPhone: mobile signature above the quote', () => {
    const text = `Perfect, thanks!

Sent from my iPhone

> On 3 Nov 2026, at 10:02, Tom Baker <tom@fernhill.example> wrote:
>
> Your parcel left our warehouse today.
`;
    const r = extractNewText(text);
    expect(r.newText).toBe('Perfect, thanks!');
    expect(r.signature).toBe('Sent from my iPhone');
    expect(r.quoted).toBe('> On 3 Nov 2026, at 10:02, Tom Baker <tom@fernhill.example> wrote:\n>\n> Your parcel left our warehouse today.');
  });

  it('Apple Mail on the desktop, attribution not quoted', () => {
    const text = 'Great.\n\nOn 3 Nov 2026, at 10:02, Tom Baker <tom@fernhill.example> wrote:\n\nWe have the 28 cm pan back in stock.\n';
    const r = extractNewText(text);
    expect(r.newText).toBe('Great.');
    expect(r.quoted).toBe('On 3 Nov 2026, at 10:02, Tom Baker <tom@fernhill.example> wrote:\n\nWe have the 28 cm pan back in stock.');
  });

  it('Gmail HTML-only reply, as the parser turns it into text', async () => {
    const html =
      '<div dir="ltr">Thanks, it arrived!</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 3 Nov 2026 at 10:02, Tom Baker &lt;<a href="mailto:tom@fernhill.example">tom@fernhill.example</a>&gt; wrote:<br></div>' +
      '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex"><div dir="ltr">Your parcel is on its way.<br>Tom</div></blockquote></div>';
    const m = await parseMessage(Buffer.from(`From: dana@x.example\r\nMessage-ID: <h@x.example>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`));
    const r = extractNewText(m.text);
    expect(r.newText).toBe('Thanks, it arrived!');
    expect(r.quoted).toContain('> Your parcel is on its way.');
  });

  it('handles CRLF line endings', () => {
    const text = 'Thanks!\r\n\r\nOn Mon, 3 Nov 2026 at 10:02, Tom <tom@fernhill.example> wrote:\r\n> old\r\n';
    expect(extractNewText(text).newText).toBe('Thanks!');
  });
});

describe('extractNewText: other languages', () => {
  it.each([
    ['German', 'Danke, das passt so.', 'Am 03.11.2026 um 10:02 schrieb Tom Baker <tom@fernhill.example>:'],
    ['German (Gmail)', 'Danke, das passt so.', 'Am Mo., 3. Nov. 2026 um 10:02 Uhr schrieb Tom Baker <tom@fernhill.example>:'],
    ['French', 'Merci beaucoup !', 'Le lun. 3 nov. 2026 à 10:02, Tom Baker <tom@fernhill.example> a écrit :'],
    ['French (Apple Mail)', 'Merci beaucoup !', 'Le 3 nov. 2026 à 10:02, Tom Baker <tom@fernhill.example> a écrit\u00a0:'],
    ['Spanish', 'Muchas gracias.', 'El lun, 3 nov 2026 a las 10:02, Tom Baker (<tom@fernhill.example>) escribió:'],
    ['Dutch', 'Dank je wel.', 'Op ma 3 nov. 2026 om 10:02 schreef Tom Baker <tom@fernhill.example>:'],
    ['Swedish', 'Tack så mycket.', 'Den 3 nov. 2026 kl. 10:02 skrev Tom Baker <tom@fernhill.example>:'],
    ['Italian', 'Grazie mille.', 'Il giorno lun 3 nov 2026 alle ore 10:02 Tom Baker <tom@fernhill.example> ha scritto:'],
    ['Portuguese', 'Muito obrigada.', 'Em seg., 3 de nov. de 2026 às 10:02, Tom Baker <tom@fernhill.example> escreveu:'],
  ])('%s', (_language, reply, attribution) => {
    const r = extractNewText(`${reply}\n\n${attribution}\n\n> Die neue Pfanne ist unterwegs.\n`);
    expect(r.newText).toBe(reply);
    expect(r.quoted).toBe(`${attribution}\n> Die neue Pfanne ist unterwegs.`);
  });

  it('German Outlook with unquoted history', () => {
    const text = 'Passt, danke.\n\nAm 03.11.2026 um 10:02 schrieb Tom Baker <tom@fernhill.example>:\n\nHallo Greg,\nder Deckel ist unterwegs.\n';
    expect(extractNewText(text)).toEqual({
      newText: 'Passt, danke.',
      quoted: 'Am 03.11.2026 um 10:02 schrieb Tom Baker <tom@fernhill.example>:\n\nHallo Greg,\nder Deckel ist unterwegs.',
      signature: '',
    });
  });

  it('Japanese attribution, left to email-reply-parser', () => {
    const text = 'ありがとうございます。\n\n2026/11/03 10:02、Tom Baker <tom@fernhill.example> のメッセージ:\n\n> 新しい蓋を発送しました。\n';
    expect(extractNewText(text).newText).toBe('ありがとうございます。');
  });
});

describe('extractNewText: inline replies', () => {
  it('keeps the answers written between quoted lines', () => {
    const text = `Hi Tom,

On Mon, 3 Nov 2026 at 10:02, Tom Baker <tom@fernhill.example> wrote:
> Which size do you need?

28 cm please.

> And which colour?

Black, like the old one.

> Shall we send it to the same address?
>
> Tom

Yes.

Thanks,
Dana
`;
    const r = extractNewText(text);
    expect(r.newText).toBe('Hi Tom,\n\n28 cm please.\n\nBlack, like the old one.\n\nYes.\n\nThanks,\nDana');
    expect(r.quoted).toBe(
      'On Mon, 3 Nov 2026 at 10:02, Tom Baker <tom@fernhill.example> wrote:\n> Which size do you need?\n> And which colour?\n> Shall we send it to the same address?\n>\n> Tom',
    );
  });

  it('bottom-posting: reply below the quote', () => {
    const text = 'Tom Baker <tom@fernhill.example> wrote:\n> Is the pan still wobbling on the hob?\n\nNo, it sits flat now.\n';
    expect(extractNewText(text).newText).toBe('No, it sits flat now.');
  });
});

describe('extractNewText: attributions and forwards of Gmail for Android and Apple Mail', () => {
  it.each([
    ['Am Do., 3. Dez. 2026, 10:02 hat Tom Baker <tom@fernhill.example> geschrieben:'],
    ['Op 3 dec. 2026 om 10:02 heeft Tom Baker <tom@fernhill.example> het volgende geschreven:'],
  ])('"%s"', (attribution) => {
    const r = extractNewText(`Super, danke!\n\n${attribution}\n\n> Die Erstattung ist veranlasst.\n`);
    expect(r.newText).toBe('Super, danke!');
    expect(r.quoted.split('\n')[0]).toBe(attribution);
  });

  it('Thunderbird in French: "-------- Message original --------" with Sujet/Date/De/Pour', () => {
    const text =
      'Le remboursement manque toujours.\n\n-------- Message original --------\nSujet : Re: Remboursement\nDe : Tom <tom@fernhill.example>\nPour : Gaëlle\n\nIl est en route.\n';
    expect(extractNewText(text).newText).toBe('Le remboursement manque toujours.');
  });

  it('"Anfang der weitergeleiteten E-Mail:" keeps the note above it', () => {
    const r = extractNewText('Bitte prüfen.\n\nAnfang der weitergeleiteten E-Mail:\n\nVon: Shop <shop@fernhill.example>\nBetreff: Rechnung\n\nRechnung anbei.\n');
    expect(r.newText).toBe('Bitte prüfen.');
    expect(r.quoted).toContain('Rechnung anbei.');
  });
});

describe('extractNewText: signatures', () => {
  it('"-- " delimiter', () => {
    const text = 'The pan arrived cracked.\n\n-- \nGreg Hollis\nHollis & Sons Catering\n+44 113 496 0000\n';
    expect(extractNewText(text)).toEqual({
      newText: 'The pan arrived cracked.',
      quoted: '',
      signature: '-- \nGreg Hollis\nHollis & Sons Catering\n+44 113 496 0000',
    });
  });

  it.each([['—'], ['– '], ['-- Greg Hollis, Hollis & Sons Catering']])('typed dash line "%s" above the name', (dash) => {
    const r = extractNewText(`The pan arrived cracked.\n\n${dash}\nGreg Hollis\n`);
    expect(r.newText).toBe('The pan arrived cracked.');
    expect(r.signature.split('\n')[0]).toBe(dash.trimEnd());
  });

  it('a "-- Name" line with more of their words after it is not a signature', () => {
    const text = 'Two things.\n\n-- First, the lid\nis cracked.\nSecond, the handle\nis loose.\nThird, the box\nwas wet.';
    expect(extractNewText(text).newText).toBe(text);
  });

  it.each([['Outlook für Android herunterladen'], ['Télécharger Outlook pour Android'], ['Obtener Outlook para Android'], ['Outlook voor Android downloaden']])(
    'localized "%s"',
    (line) => {
      const r = extractNewText(`Ich hole es am Freitag ab.\n\n${line}<https://aka.ms/ghei36>\n`);
      expect(r.newText).toBe('Ich hole es am Freitag ab.');
    },
  );

  it('sign-off recognized by email-reply-parser', () => {
    const r = extractNewText('Please refund the second pan.\n\nKind regards,\nGreg Hollis\n');
    expect(r.newText).toBe('Please refund the second pan.');
    expect(r.signature).toBe('Kind regards,\nGreg Hollis');
  });

  it.each([
    ['Von meinem iPhone gesendet'],
    ['Envoyé de mon iPhone'],
    ['Enviado desde mi iPhone'],
    ['Verzonden vanaf mijn iPhone'],
    ['Skickat från min iPhone'],
    ['Get Outlook for Android'],
  ])('mobile signature "%s"', (line) => {
    const r = extractNewText(`Bitte an die neue Adresse.\n\n${line}\n\n> Am 03.11.2026 um 10:02 schrieb Tom <tom@fernhill.example>:\n> alt\n`);
    expect(r.newText).toBe('Bitte an die neue Adresse.');
    expect(r.signature).toBe(line);
  });
});

describe('extractNewText: edge cases', () => {
  it('returns the original when stripping would leave nothing', () => {
    const text = '\n> Can you confirm the order?\n> Tom\n';
    expect(extractNewText(text)).toEqual({ newText: '> Can you confirm the order?\n> Tom', quoted: '', signature: '' });
  });

  it('does not mistake a sentence for an attribution', () => {
    const text = 'On Monday I ordered 2 pans.\nMy wife wrote:\nthe box was empty when it came.\n\nFrom: my order confirmation, it should have had two.';
    expect(extractNewText(text).newText).toBe(text);
  });

  it('collapses runs of blank lines', () => {
    expect(extractNewText('First line.\n\n\n\n\nSecond line.   \n\n\n').newText).toBe('First line.\n\nSecond line.');
  });

  it('stays fast on a very long line that starts like an attribution', () => {
    const text = `Thanks.\n\nOn ${'and then '.repeat(20_000)}\nend`;
    const started = performance.now();
    expect(extractNewText(text).newText).toBe(text.replace(/ +\n/g, '\n'));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('returns empty strings for empty text', () => {
    expect(extractNewText('')).toEqual({ newText: '', quoted: '', signature: '' });
  });
});
