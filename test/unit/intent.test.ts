import { describe, expect, it } from 'vitest';
import { detectIntent } from '../../core/drafts/intent.ts';

describe('detectIntent', () => {
  it.each([
    // Complaints, English.
    ["It still hasn't arrived and no one has answered my emails.", 'complaint'],
    ['The pan arrived cracked.', 'complaint'],
    ['I have waited two weeks for this order.', 'complaint'],
    ['This is unacceptable.', 'complaint'],
    ["Honestly I'm disappointed. I'd like a refund.", 'complaint'],
    ['Worst purchase ever', 'complaint'],
    ['I WANT MY MONEY BACK NOW!!!', 'complaint'],
    ['WHY IS NOBODY ANSWERING THE PHONE!!!', 'complaint'],
    ["Thanks for your quick reply, but the lid still doesn't fit.", 'complaint'],
    ["I don't want to complain, but the handle came off after a week and the pan is broken.", 'complaint'],
    // Complaints, other languages.
    ['Die Pfanne ist immer noch nicht angekommen. Das ist inakzeptabel!', 'complaint'],
    ['Ich bin sehr enttäuscht, der Deckel war kaputt.', 'complaint'],
    ['La sartén llegó rota. Estoy muy decepcionada.', 'complaint'],
    ["Toujours pas reçu ma commande, personne n'a répondu.", 'complaint'],
    // Feature ideas.
    ['Any plans to make a lid for the 26cm pan?', 'feature-request'],
    ['It would be great if you sold a smaller version.', 'feature-request'],
    ['Could you add a gift wrapping option at checkout?', 'feature-request'],
    ['I wish you had the pan in blue as well.', 'feature-request'],
    ['Feature request: a recipe card in the box', 'feature-request'],
    ['Es wäre toll, wenn ihr auch Deckel verkaufen würdet.', 'feature-request'],
    // Thanks.
    ['Thank you so much! It arrived today and looks beautiful.', 'thanks'],
    ['Just wanted to say thanks, we love it.', 'thanks'],
    ['Vielen Dank, die Pfanne ist toll.', 'thanks'],
    ['Muchas gracias, me encanta.', 'thanks'],
    // Questions.
    ['Do you ship to Austria?', 'question'],
    ['Where is my order? Thanks, Anna', 'question'],
    ['Thanks for your help. What oil should I season it with?', 'question'],
    ['Can I get a refund if it does not fit?', 'question'],
    // Nothing in particular.
    ['Here is my new address: 12 Mill Lane, Bristol.', 'other'],
    ['See https://example.com/page?id=3 for the photo', 'other'],
  ])('%s -> %s', (text, kind) => {
    expect(detectIntent(text).kind).toBe(kind);
  });

  describe('negations and hypotheticals are not complaints', () => {
    it.each([
      ['Not disappointed at all, it works great!', 'thanks'],
      ["I'm not at all disappointed, thank you so much.", 'thanks'],
      ['Nothing was broken, everything arrived safely.', 'other'],
      ['No complaints here, just a quick question: is it oven safe?', 'question'],
      ['Ich bin nicht enttäuscht, vielen Dank!', 'thanks'],
      ['Je ne suis pas déçue du tout, merci beaucoup !', 'thanks'],
      ['No estoy decepcionado, muchas gracias.', 'thanks'],
      ['What happens if it arrives damaged?', 'question'],
      ["I don't love the colour.", 'other'],
    ])('%s -> %s', (text, kind) => {
      const intent = detectIntent(text);
      expect(intent.kind).toBe(kind);
      expect(intent.complaint).toBeLessThan(2);
    });

    it('still counts the complaint after a "not only"', () => {
      expect(detectIntent('Not only late, it was broken too.').kind).toBe('complaint');
    });

    it('does not count a negation that belongs to an earlier term', () => {
      const intent = detectIntent("It still hasn't arrived and no one has answered my emails.");
      expect(intent.matches.map((m) => m.term)).toEqual(["still hasn't arrived", 'no one has answered']);
    });

    it('does not read happy capitals as shouting', () => {
      const intent = detectIntent('THANK YOU SO MUCH!!! The pan is PERFECT.');
      expect(intent.kind).toBe('thanks');
      expect(intent.complaint).toBe(0);
    });

    it('does not read acronyms as shouting', () => {
      expect(detectIntent('Did you send it with DHL or UPS? My tracking ID is ABC.').complaint).toBe(0);
    });

    it('counts "!!!" only in a sentence that complains', () => {
      expect(detectIntent('Love it!!!').complaint).toBe(0);
      expect(detectIntent('The lid is cracked!!!').complaint).toBe(3);
    });
  });

  it('lets a complaint win over thanks and questions', () => {
    const intent = detectIntent('Thank you so much for the quick reply. Sadly the new pan is cracked too. Can you send another?');
    expect(intent.kind).toBe('complaint');
    expect(intent.thanks).toBeGreaterThanOrEqual(2);
    expect(intent.complaint).toBeGreaterThanOrEqual(2);
  });

  it('reports each match with its position in the text', () => {
    const text = 'Hello, the pan came cracked and I am disappointed. Can you help?';
    const intent = detectIntent(text);
    expect(intent.matches.map((m) => [m.kind, m.term])).toEqual([
      ['complaint', 'came cracked'],
      ['complaint', 'disappointed'],
      ['question', 'Can you help?'],
    ]);
    for (const m of intent.matches) {
      expect(m.field).toBe('text');
      expect(text.slice(m.start, m.end)).toBe(m.term);
    }
  });

  it('keeps offsets right in accented text', () => {
    const text = 'Ich bin wirklich enttäuscht.';
    const [match] = detectIntent(text).matches;
    expect(match && text.slice(match.start, match.end)).toBe('enttäuscht');
  });

  it('tolerates line breaks and curly apostrophes inside terms', () => {
    const intent = detectIntent('It still hasn’t\narrived.');
    expect(intent.kind).toBe('complaint');
    expect(intent.matches[0]?.term).toBe('still hasn’t arrived');
  });

  it('reads the subject too, with offsets into the subject', () => {
    const intent = detectIntent('Order 1042, see photo.', 'Broken pan');
    expect(intent.kind).toBe('complaint');
    expect(intent.matches[0]).toMatchObject({ kind: 'complaint', term: 'Broken', start: 0, end: 6, field: 'subject' });
  });

  it('does not take a "thanks in advance" sign-off for thanks', () => {
    const intent = detectIntent('Could you tell me the size of the lid? Thanks in advance, Anna');
    expect(intent.kind).toBe('question');
    expect(intent.thanks).toBe(0);
  });

  it('takes a short note that says thanks for a thank-you, and a long one only with enough thanks in it', () => {
    expect(detectIntent('perfect, just ordered one. thanks sam!').kind).toBe('thanks');
    expect(detectIntent('Perfect, thank you Sam - downloaded and passed on. Ruth').kind).toBe('thanks');
    const long =
      'We moved the kitchen around last week and the new shelves finally went up, so the pans have a proper home now. The 28 cm one gets used every day for the morning bakes. Thanks, Ruth';
    expect(detectIntent(long).kind).toBe('other');
    expect(detectIntent('Got it, thanks. Does the lid fit the 24 cm pan too?').kind).toBe('question');
  });
});
