import { describe, expect, it } from 'vitest';
import { DEFAULT_CANNED_PHRASES, findCannedPhrases } from '../../core/drafts/canned-phrases.ts';
import { TOUCH_WEIGHTS, type TouchCheckResult, touchCheck } from '../../core/drafts/touch-check.ts';

const CUSTOMER_TEXT = 'Hi, my cast-iron pan arrived with a crack in the handle. Can I get a replacement before Friday? Anna';

const CANNED_REPLY = `Dear valued customer,

Thank you for reaching out. We apologize for any inconvenience.
Rest assured that your call is important to us. Kindly allow 5-7 business days.

Please do not hesitate to contact us.
Customer Service Team
`;

const PERSONAL_REPLY = `Hi Anna,

I'm so sorry the pan arrived with that crack in the handle; it was our packing, not you.
A replacement went out this morning by express, so it reaches you on Thursday, well before Friday.
Keep the cracked one for the garden or the campfire, no need to send it back.

Tom
`;

const TEMPLATE = `Hi Anna,

[[a line that shows you read what they wrote, in your own words]]

[[the answer to what they asked]]
`;

function kinds(result: TouchCheckResult): string[] {
  return result.findings.map((f) => f.kind);
}

function part(result: TouchCheckResult, name: string) {
  const found = result.parts.find((p) => p.name === name);
  if (!found) throw new Error(`no part ${name}`);
  return found;
}

describe('touchCheck', () => {
  it('has parts whose maxima add up to 100', () => {
    const result = touchCheck({ text: PERSONAL_REPLY });
    expect(result.parts.reduce((sum, p) => sum + p.max, 0)).toBe(100);
    expect(Object.values(TOUCH_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
    for (const p of result.parts) expect(p.explanation.length).toBeGreaterThan(10);
  });

  it('scores a canned reply low and finds every phrase where it is', () => {
    const result = touchCheck({ text: CANNED_REPLY, customer: { firstName: 'Anna' }, customerText: CUSTOMER_TEXT, templateText: TEMPLATE, usualLength: 400 });
    // No better than an unfinished draft can get.
    expect(result.score).toBeLessThan(40);
    const canned = result.findings.filter((f) => f.kind === 'canned-phrase');
    expect(canned.map((f) => CANNED_REPLY.slice(f.start, f.end))).toEqual([
      'Dear valued customer',
      'Thank you for reaching out',
      'We apologize for any inconvenience',
      'Rest assured',
      'your call is important to us',
      'Kindly',
      'do not hesitate to contact us',
    ]);
    for (const f of canned) expect(f.suggestion).toBeTruthy();
    expect(part(result, 'No canned phrases').points).toBe(0);
    expect(kinds(result)).toContain('no-greeting-by-name');
    expect(kinds(result)).toContain('points-not-answered');
    const points = result.findings.find((f) => f.kind === 'points-not-answered')!;
    expect(points.message).toContain('"replacement"');
    expect(points.message).toContain('Can I get a replacement before Friday?');
    // Nothing the customer wrote is named as a point of theirs when it is only their name.
    expect(points.message).not.toContain('"Anna"');
  });

  it('scores a personal reply by name that answers their question high, with nothing to fix', () => {
    const result = touchCheck({ text: PERSONAL_REPLY, customer: { firstName: 'Anna' }, customerText: CUSTOMER_TEXT, templateText: TEMPLATE, usualLength: 350 });
    expect(result.findings).toEqual([]);
    expect(result.score).toBeGreaterThanOrEqual(90);
    expect(part(result, 'Their points answered').explanation).toContain('They asked 1 question; your reply takes up 1.');
    expect(part(result, 'Greeting by name').explanation).toBe('You greet Anna by name.');
  });

  it('flags each recipient new to the conversation and holds the score down until they are gone', () => {
    const input = { text: PERSONAL_REPLY, customer: { firstName: 'Anna' }, customerText: CUSTOMER_TEXT, templateText: TEMPLATE, usualLength: 350 };
    const result = touchCheck({ ...input, newRecipients: ['ops@elsewhere.example'] });
    expect(result.findings.map((f) => [f.kind, f.message])).toEqual([['new-recipient', 'New recipient: ops@elsewhere.example — not in this conversation.']]);
    expect(result.score).toBe(60);
    expect(touchCheck({ ...input, newRecipients: [] }).score).toBeGreaterThanOrEqual(90);
  });

  it('flags a draft left as the template, and stops once a person writes in it', () => {
    const template = 'Hi Anna,\n\nThanks for taking the time to write this up. We will look at it.\n\nTom\n';
    const unchanged = touchCheck({ text: template, templateText: template, customer: { firstName: 'Anna' } });
    expect(kinds(unchanged)).toEqual(['unchanged-template']);
    expect(unchanged.findings[0]).toMatchObject({ start: 0, end: 0 });
    expect(part(unchanged, 'Own words').points).toBe(0);

    const barely = touchCheck({ text: template.replace('Tom', 'Cheers, Tom and the team'), templateText: template });
    expect(kinds(barely)).toContain('unchanged-template');

    const edited = template.replace('We will look at it.', 'The idea of a recipe card in the box is lovely; I am trying one with the autumn orders and will send you the first.');
    const result = touchCheck({ text: edited, templateText: template, customer: { firstName: 'Anna' } });
    expect(kinds(result)).not.toContain('unchanged-template');
    expect(part(result, 'Own words').points).toBe(TOUCH_WEIGHTS.ownWords);
  });

  describe('own words are only what a person typed', () => {
    // A scaffold as the drafter renders it: their name, facts of their history, their words quoted.
    const scaffold = `Hi Anna,

Good to hear from you again (we've been writing since March 2025). [[something you remember about them or their last question]]

You wrote to us in October:
> my cast-iron pan arrived with a crack in the handle

[[the answer to what they asked]]
`;
    const untouched = scaffold.replace(/\[\[|\]\]/g, '').replace(/^> /m, '');

    it('scores an untouched scaffold low, with its brackets and quote marks taken off, and asks for own words', () => {
      const result = touchCheck({ text: untouched, templateText: scaffold, customer: { firstName: 'Anna' }, customerText: CUSTOMER_TEXT });
      expect(kinds(result)).toContain('unchanged-template');
      expect(result.findings.find((f) => f.kind === 'unchanged-template')!.message).toBe('This is still the template: add a few sentences in your own words.');
      expect(part(result, 'Own words')).toMatchObject({
        points: 0,
        explanation: 'Still the template: you added 0 words of your own; until you write more, the score stays at 40 or below.',
      });
      // Their words, left where the template put them, are not an answer to them either.
      expect(part(result, 'Their points answered').points).toBe(0);
      expect(result.score).toBeLessThanOrEqual(40);
    });

    it('scores the same scaffold higher once a person types a personal sentence into it', () => {
      const typed = untouched.replace('the answer to what they asked', 'A new handle for your pan went out this morning, so you can keep cooking before Friday.');
      const result = touchCheck({ text: typed, templateText: scaffold, customer: { firstName: 'Anna' }, customerText: CUSTOMER_TEXT });
      const before = touchCheck({ text: untouched, templateText: scaffold, customer: { firstName: 'Anna' }, customerText: CUSTOMER_TEXT });
      expect(kinds(result)).not.toContain('unchanged-template');
      expect(part(result, 'Own words').explanation).toBe("You added 17 words of your own to the template (canned phrases don't count). About 20 earn all the points.");
      expect(result.score).toBeGreaterThan(before.score + 20);
    });

    it("counts a typed word that happens to be in a slot hint as the person's", () => {
      const typed = scaffold.replace('[[the answer to what they asked]]', 'Your question about the handle: the answer is yes, a new one is on its way to you today.');
      const result = touchCheck({ text: typed, templateText: scaffold, customer: { firstName: 'Anna' } });
      expect(part(result, 'Own words').explanation).toContain('You added 19 words of your own');
    });
  });

  it('does not count words moved around from the template as own words', () => {
    const template = 'Hi Anna,\n\nThanks for taking the time to write this up.\n';
    const shuffled = 'Hi Anna,\n\nThe time to write this up: thanks for taking it.\n';
    expect(kinds(touchCheck({ text: shuffled, templateText: template }))).toContain('unchanged-template');
  });

  it('keeps a draft with an unfilled slot at 40 or below and points at the slot', () => {
    const text = PERSONAL_REPLY.replace('Tom', '[[sign with your first name]]');
    const result = touchCheck({ text, customer: { firstName: 'Anna' }, customerText: CUSTOMER_TEXT, templateText: TEMPLATE, usualLength: 350 });
    expect(result.score).toBeLessThanOrEqual(40);
    const slot = result.findings.find((f) => f.kind === 'unfilled-slot')!;
    expect(text.slice(slot.start, slot.end)).toBe('[[sign with your first name]]');
    expect(slot.message).toBe('Still to write: sign with your first name.');
    expect(part(result, 'Personal parts filled')).toMatchObject({ points: 0, max: 10 });
  });

  it('finds a rendered template with all its slots', () => {
    const result = touchCheck({ text: TEMPLATE, templateText: TEMPLATE, customer: { firstName: 'Anna' }, customerText: CUSTOMER_TEXT });
    expect(kinds(result)).toEqual(['unchanged-template', 'points-not-answered', 'unfilled-slot', 'unfilled-slot']);
    expect(result.score).toBeLessThanOrEqual(40);
  });

  it('matches phrases across curly apostrophes and line breaks', () => {
    const text = 'Hi Anna,\n\nDon’t hesitate to contact us. We apologize for any\n   inconvenience. Don‘t hesitate to REACH OUT.\n';
    const result = touchCheck({ text });
    const canned = result.findings.filter((f) => f.kind === 'canned-phrase');
    expect(canned.map((f) => text.slice(f.start, f.end))).toEqual(['Don’t hesitate to contact us', 'We apologize for any\n   inconvenience', 'Don‘t hesitate to REACH OUT']);
    expect(canned[1]!.message).toBe('"We apologize for any inconvenience" sounds canned.');
  });

  it('matches whole words only', () => {
    expect(findCannedPhrases('She unkindly said so. Kindlyness is a word now.')).toEqual([]);
    expect(findCannedPhrases('Could you kindly send a photo?').map((m) => m.entry.phrase)).toEqual(['kindly']);
  });

  it('reports the longest phrase once where phrases overlap', () => {
    expect(findCannedPhrases('Dear valued customer, as a valued customer...').map((m) => m.entry.phrase)).toEqual(['dear valued customer', 'valued customer']);
  });

  it("uses the team's own list instead of the default phrases, and keeps the families unless the team turns them off", () => {
    const phrases = [{ phrase: 'Cheers, the Fernhill team', suggestion: 'Sign with your own name.' }];
    const text = 'Hi Anna,\n\nRest assured, it is on its way.\n\nCheers,\nthe Fernhill team\n';
    const found = (familiesOff?: string[]) => touchCheck({ text, phrases, familiesOff }).findings.map((f) => [f.kind, text.slice(f.start, f.end), f.suggestion]);
    expect(found()).toEqual([
      ['canned-phrase', 'Rest assured', 'End with the next step, or with something that fits them.'],
      ['canned-phrase', 'Cheers,\nthe Fernhill team', 'Sign with your own name.'],
    ]);
    expect(found(['stock-closing'])).toEqual([['canned-phrase', 'Cheers,\nthe Fernhill team', 'Sign with your own name.']]);
    expect(DEFAULT_CANNED_PHRASES.length).toBeGreaterThanOrEqual(40);
  });

  it('ignores phrases in quoted lines and in slot hints', () => {
    const text = 'Hi Anna,\n\nYou wrote:\n> Kindly tell me where my pan is. Rest assured I will wait.\n\n[[thank them for reaching out]]\n';
    expect(kinds(touchCheck({ text }))).toEqual(['unfilled-slot']);
  });

  describe("snippet text is not the person's own", () => {
    const RETURNS = {
      name: 'Return policy',
      text: 'You can send anything back within 30 days of delivery for a full refund; we pay the return label.',
    };
    const SETUP = { name: 'Seasoning a pan', text: 'Rub a thin layer of oil over the whole pan and bake it upside down at 230 degrees for an hour.' };
    const OWN = "I'm sorry the lid does not fit your pan.";
    const text = `Hi Anna,\n\n${OWN} ${RETURNS.text}\n\nTom\n`;

    it('marks a snippet kept as it was, and counts only the words around it as own', () => {
      const result = touchCheck({ text, snippets: [SETUP, RETURNS] });
      const kept = result.findings.filter((f) => f.kind === 'snippet-text');
      expect(kept.map((f) => text.slice(f.start, f.end))).toEqual([RETURNS.text.replace(/\.$/, '')]);
      expect(kept[0]!.message).toBe('From the snippet "Return policy": the team\'s words, not your own.');
      const without = touchCheck({ text });
      expect(part(without, 'Own words')).toMatchObject({ points: 25, explanation: "31 words of your own (canned phrases don't count)." });
      // As with template text, the snippet's 19 words are not the person's.
      expect(part(result, 'Own words')).toMatchObject({
        points: 15,
        explanation: "12 words of your own (canned phrases don't count). 19 words came from snippets. About 20 earn all the points.",
      });
    });

    it('counts what a person rewrote as theirs, and a short run left of the snippet as not', () => {
      const rewritten = text.replace(RETURNS.text, 'Send it back whenever suits you this month and I will refund it all; we pay the return label.');
      const result = touchCheck({ text: rewritten, snippets: [RETURNS] });
      const kept = result.findings.filter((f) => f.kind === 'snippet-text').map((f) => rewritten.slice(f.start, f.end));
      expect(kept).toEqual(['we pay the return label']);
      expect(part(result, 'Own words').explanation).toBe("26 words of your own (canned phrases don't count). 5 words came from snippets.");
    });

    it('does not take a few common words shared with a snippet for a copy', () => {
      const typed = 'Hi Anna,\n\nLet me know if the new lid fits, and if you want it in blue instead.\n\nTom';
      const result = touchCheck({ text: typed, snippets: [{ name: 'Sign-off', text: 'Let me know if you have any other questions about your order.' }] });
      expect(kinds(result)).not.toContain('snippet-text');
    });

    it('holds a draft that is only a snippet at 40, as a template left as it was', () => {
      const only = `Hi Anna,\n\n${SETUP.text}\n`;
      const result = touchCheck({ text: only, snippets: [SETUP], customer: { firstName: 'Anna' } });
      expect(kinds(result)).toEqual(['unchanged-template', 'snippet-text']);
      expect(result.findings[0]!.message).toBe('This is still snippet text: add a few sentences in your own words.');
      expect(result.score).toBeLessThanOrEqual(40);
    });

    it("keeps a snippet's slot apart: the slot is to write, and its hint kept without brackets is the snippet's", () => {
      const withSlot = { name: 'Replacement', text: 'We are sending a replacement today. [[which part broke and how]] The tracking link follows in a separate mail.' };
      const draft = `Hi Anna,\n\n${withSlot.text}\n\nTom`;
      const result = touchCheck({ text: draft, snippets: [withSlot] });
      expect(result.findings.map((f) => [f.kind, draft.slice(f.start, f.end)])).toEqual([
        ['unchanged-template', ''],
        ['snippet-text', 'We are sending a replacement today'],
        ['unfilled-slot', '[[which part broke and how]]'],
        ['snippet-text', 'The tracking link follows in a separate mail'],
      ]);
      const hintKept = draft.replace('[[which part broke and how]]', 'which part broke and how');
      const whole = touchCheck({ text: hintKept, snippets: [withSlot] }).findings.filter((f) => f.kind === 'snippet-text');
      expect(whole.map((f) => hintKept.slice(f.start, f.end))).toEqual([withSlot.text.replace(/[[\]]/g, '').replace(/\.$/, '')]);
    });
  });

  describe('greeting by name', () => {
    it('accepts a nickname and a greeting on the second line', () => {
      const text = 'Good morning,\ndear Bob!\n\nThe new lid is on its way.';
      const result = touchCheck({ text, customer: { firstName: 'Robert', names: ['Bob'] } });
      expect(kinds(result)).not.toContain('no-greeting-by-name');
    });

    it('ignores accents and case', () => {
      expect(kinds(touchCheck({ text: 'hola JOSE,\n\ngracias.', customer: { firstName: 'José' } }))).not.toContain('no-greeting-by-name');
    });

    it('flags the first line when the name only comes after two lines or only as part of a word', () => {
      const text = '\n  Hello there,\n\nThe lid is on its way.\nAnna, it is blue.';
      const result = touchCheck({ text, customer: { firstName: 'Anna' } });
      const finding = result.findings.find((f) => f.kind === 'no-greeting-by-name')!;
      expect(text.slice(finding.start, finding.end)).toBe('Hello there,');
      expect(finding.suggestion).toBe('"Hi Anna,"');
      expect(kinds(touchCheck({ text: 'Hi Annabelle,\n\nOn its way.', customer: { firstName: 'Anna' } }))).toContain('no-greeting-by-name');
    });

    it('accepts a formal greeting by title and surname in German, French and Spanish', () => {
      for (const [text, fullName, firstName] of [
        ['Sehr geehrter Herr Weber,\n\ndas Paket kommt am Donnerstag.', 'Jonas Weber', 'Jonas'],
        ['Bonjour Madame Martin,\n\nla casserole part demain.', 'Claire Martin', 'Claire'],
        ['Estimada Sra. García:\n\nsu sartén sale hoy.', 'Lucía García', 'Lucía'],
      ])
        expect(kinds(touchCheck({ text, customer: { firstName, fullName } }))).not.toContain('no-greeting-by-name');
      expect(kinds(touchCheck({ text: 'Weber,\n\ndas Paket kommt.', customer: { firstName: 'Jonas', fullName: 'Jonas Weber' } }))).toContain('no-greeting-by-name');
    });

    it('suggests the greeting in the draft’s language', () => {
      const suggestion = (language: string) => touchCheck({ text: 'Hallo,\n\nes kommt.', language, customer: { firstName: 'Lucía' } }).findings[0]?.suggestion;
      expect([suggestion('de'), suggestion('fr'), suggestion('es'), suggestion('nl')]).toEqual(['"Hallo Lucía,"', '"Bonjour Lucía,"', '"Hola, Lucía:"', '"Hi Lucía,"']);
    });

    it('is not checked when the name is unknown', () => {
      const result = touchCheck({ text: 'Hello,\n\nOn its way.', customer: { firstName: null } });
      expect(kinds(result)).not.toContain('no-greeting-by-name');
      expect(part(result, 'Greeting by name').points).toBe(TOUCH_WEIGHTS.greeting);
    });
  });

  describe('their points', () => {
    it('sees their words in other forms in a German reply to a German message', () => {
      const customerText = 'Hallo, meine Pfanne ist noch nicht angekommen. Wann wird sie geliefert? Grüße, Jonas';
      const reply = 'Hallo Jonas,\n\ndie Pfannen sind leider erst gestern aus dem Lager gekommen; deine wird am Donnerstag geliefert.\n\nTom';
      const result = touchCheck({ text: reply, customer: { firstName: 'Jonas' }, customerText });
      expect(kinds(result)).toEqual([]);
      expect(part(result, 'Their points answered').points).toBe(TOUCH_WEIGHTS.theirPoints);
    });

    it('does not break on Spanish and French messages and names their words when the reply misses them', () => {
      const spanish = touchCheck({ text: 'Hola,\n\ngracias por escribir.', customerText: '¿Tenéis la sartén de 26 cm en azul? La necesito para un regalo.' });
      expect(spanish.findings.find((f) => f.kind === 'points-not-answered')?.message).toMatch(/"sartén".*"azul"/);
      const french = touchCheck({
        text: 'Bonjour Claire,\n\nle couvercle en fonte arrive lundi.',
        customerText: "Bonjour, est-ce que le couvercle en fonte est disponible ? Merci d'avance, Claire",
        customer: { firstName: 'Claire' },
      });
      expect(kinds(french)).toEqual([]);
    });

    it('does not count their words that were only quoted back or put there by the template', () => {
      const template = 'Hi Anna,\n\nYou wrote:\n> my cast-iron pan arrived with a crack in the handle\n\n[[what you are doing about it]]\n';
      const text = template.replace('[[what you are doing about it]]', 'I am really sorry about this, and I will sort it out for you today myself.');
      const result = touchCheck({ text, templateText: template, customerText: CUSTOMER_TEXT });
      expect(kinds(result)).toContain('points-not-answered');
    });

    it('does not take their greeting and sign-off for what they wrote about', () => {
      const german = touchCheck({
        text: 'Hallo Jonas,\n\ndanke.',
        customer: { firstName: 'Jonas' },
        customerText: 'Guten Tag,\n\nmeine Pfanne hat einen Riss im Griff.\n\nBeste Grüße\nJonas',
      });
      expect(german.findings.find((f) => f.kind === 'points-not-answered')?.message).toBe('Nothing they wrote about comes up in your reply yet: "Pfanne", "Riss", "Griff".');
      const spanish = touchCheck({ text: 'Hola:\n\ngracias.', customerText: 'Buenas tardes:\n\n¿Me podría decir dónde está mi pedido?\n\nAtentamente,\nLucía' });
      expect(spanish.findings.find((f) => f.kind === 'points-not-answered')?.message).toMatch(/^Nothing they wrote about comes up in your reply yet: "pedido"/);
    });

    it('explains which question is not taken up yet', () => {
      const customerText = 'Is the pan oven safe? And do you ship to Austria?';
      const result = touchCheck({ text: 'Hi,\n\nyes, the pan is fine in the oven up to 260 degrees.\n', customerText });
      expect(part(result, 'Their points answered')).toMatchObject({
        points: 10,
        explanation: 'They asked 2 questions; your reply takes up 1. Not yet: "And do you ship to Austria?"',
      });
      expect(kinds(result)).not.toContain('points-not-answered');
    });
  });

  describe('length', () => {
    const body = 'Hi Anna,\n\nThe replacement lid went out today and should be with you on Thursday.\n\nTom';

    it('flags a reply far shorter or longer than they usually get', () => {
      const short = touchCheck({ text: body, usualLength: body.length * 4 });
      expect(short.findings).toMatchObject([{ kind: 'length', start: 0, end: 0 }]);
      expect(short.findings[0]!.message).toMatch(/^Much shorter than the replies they usually get/);
      const long = touchCheck({ text: body, usualLength: Math.floor(body.length / 4) });
      expect(long.findings[0]!.message).toMatch(/^Much longer/);
    });

    it('accepts a usual length and gives half the points when rather off', () => {
      expect(part(touchCheck({ text: body, usualLength: body.length }), 'Length').points).toBe(10);
      expect(part(touchCheck({ text: body, usualLength: body.length * 2.5 }), 'Length').points).toBe(5);
      expect(kinds(touchCheck({ text: body, usualLength: body.length * 2.5 }))).toEqual([]);
      expect(part(touchCheck({ text: body, usualLength: null }), 'Length').points).toBe(10);
    });
  });

  it('gives an integer score in 0..100 even for an empty draft', () => {
    const result = touchCheck({ text: '', customer: { firstName: 'Anna' }, customerText: CUSTOMER_TEXT, templateText: TEMPLATE, usualLength: 300 });
    expect(Number.isInteger(result.score)).toBe(true);
    expect(result.score).toBeGreaterThanOrEqual(0);
    expect(result.score).toBeLessThanOrEqual(30);
    expect(result.findings.find((f) => f.kind === 'no-greeting-by-name')).toMatchObject({ start: 0, end: 0 });
  });
});
