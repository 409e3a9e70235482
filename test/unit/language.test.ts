import { describe, expect, it } from 'vitest';
import { detectLanguage, writesInformally } from '../../core/drafts/language.ts';

const MAILS: [string, string][] = [
  ['en', 'Hi Dana,\n\nThe kettle I ordered last week arrived with a dent in the lid. Could you send a replacement before Friday?\n\nThanks,\nTom'],
  [
    'de',
    'Guten Tag,\n\nich habe letzte Woche zwei Tassen bestellt, aber bis heute ist nichts angekommen. Können Sie bitte nachsehen, wo das Paket steckt?\n\nViele Grüße\nJonas Weber',
  ],
  ['fr', "Bonjour,\n\nj'ai reçu ma commande hier mais la poignée de la casserole est cassée. Pourriez-vous m'envoyer une nouvelle ?\n\nMerci d'avance,\nClaire"],
  ['es', 'Hola:\n\nPedí una sartén hace diez días y todavía no ha llegado. ¿Me podría decir dónde está mi pedido?\n\nGracias,\nLucía'],
  ['nl', 'Hoi,\n\nIk heb vorige week een theepot besteld maar hij is nog steeds niet bezorgd. Kunnen jullie even kijken waar hij blijft?\n\nGroetjes,\nSanne'],
];

describe('the language of a customer’s mail', () => {
  it.each(MAILS)('reads %s from a real-looking mail', (code, text) => {
    expect(detectLanguage(text)).toEqual({ code, detected: true });
  });

  it('does not mistake short English for another language', () => {
    expect(detectLanguage('Can I export my data as CSV?')).toMatchObject({ code: 'en' });
    expect(detectLanguage('Hello, which lid fits the 28 cm pan?')).toMatchObject({ code: 'en' });
  });

  it.each(['Danke!', 'ok thanks', 'Merci', 'Gracias 👍', 'Top, super.'])('falls back to the team default for "%s"', (text) => {
    expect(detectLanguage(text, 'en')).toEqual({ code: 'en', detected: false });
    expect(detectLanguage(text, 'de')).toEqual({ code: 'de', detected: false });
  });
});

describe('the form of address the customer used', () => {
  it('hears German "du" and keeps "Sie" otherwise', () => {
    expect(writesInformally('Hallo, kannst du mir sagen, wann mein Paket kommt?', 'de')).toBe(true);
    expect(writesInformally(MAILS[1]![1], 'de')).toBe(false);
  });
  it('hears Spanish "tú" and keeps "usted" otherwise', () => {
    expect(writesInformally('Hola, ¿me puedes decir cuándo llega mi pedido?', 'es')).toBe(true);
    expect(writesInformally(MAILS[3]![1], 'es')).toBe(false);
  });
  it('keeps French "vous" unless they wrote "tu"', () => {
    expect(writesInformally(MAILS[2]![1], 'fr')).toBe(false);
    expect(writesInformally('Salut, tu peux me renvoyer la facture ?', 'fr')).toBe(true);
  });
});
