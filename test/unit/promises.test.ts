import { describe, expect, it } from 'vitest';
import { detectPromise } from '../../core/followups/promises.ts';

// Tuesday 24 November 2026, 16:00 for a customer in UTC+01:00.
const SENT = new Date('2026-11-24T15:00:00Z');
const CET = 60;
const due = (text: string, sentAt = SENT, offset: number | null = CET) => detectPromise(text, sentAt, offset)?.dueAt.toISOString() ?? null;

describe('promise detection', () => {
  it.each([
    ["I'll get back to you by Friday.", '2026-11-27T08:00:00.000Z'],
    ['We will send the replacement tomorrow.', '2026-11-25T08:00:00.000Z'],
    ["I'll have an answer for you next week.", '2026-11-30T08:00:00.000Z'],
    ["I'll sort the refund out by the end of the month.", '2026-11-30T08:00:00.000Z'],
    ["I'll ask the warehouse and get back to you in two days.", '2026-11-26T08:00:00.000Z'],
    ['I will write again in 3 business days.', '2026-11-27T08:00:00.000Z'],
    ["You'll hear from me within 48 hours.", '2026-11-26T15:00:00.000Z'],
    ["I'll confirm by 3 December.", '2026-12-03T08:00:00.000Z'],
    ["I'll confirm on December 3rd.", '2026-12-03T08:00:00.000Z'],
    ["We're going to ship it by the end of the week.", '2026-11-27T08:00:00.000Z'],
    ['I’ll call you the day after tomorrow.', '2026-11-26T08:00:00.000Z'],
    // Later today, when their afternoon is nearly over: two hours on.
    ["I'll get back to you later today.", '2026-11-24T17:00:00.000Z'],
    // Said on a Tuesday, "Tuesday" is next week's.
    ["We'll be closed on Monday, but I'll send it on Tuesday.", '2026-12-01T08:00:00.000Z'],
  ])('English: %s', (text, expected) => {
    expect(due(text)).toBe(expected);
  });

  it.each([
    ['Ich melde mich morgen bei Ihnen.', '2026-11-25T08:00:00.000Z'],
    ['Wir schicken Ihnen die Rechnung bis Freitag.', '2026-11-27T08:00:00.000Z'],
    ['Ich rufe Sie übermorgen an.', '2026-11-26T08:00:00.000Z'],
    ['Wir melden uns in zwei Tagen.', '2026-11-26T08:00:00.000Z'],
    ['Ich kümmere mich bis Ende des Monats darum.', '2026-11-30T08:00:00.000Z'],
    ['Je reviens vers vous demain.', '2026-11-25T08:00:00.000Z'],
    ['Nous vous enverrons le devis la semaine prochaine.', '2026-11-30T08:00:00.000Z'],
    ["Je vous réponds d'ici vendredi.", '2026-11-27T08:00:00.000Z'],
    ['Je vous écris dans deux jours.', '2026-11-26T08:00:00.000Z'],
    ['Le escribo mañana.', '2026-11-25T08:00:00.000Z'],
    ['Te lo envío el viernes.', '2026-11-27T08:00:00.000Z'],
    ['Vamos a enviarlo la próxima semana.', '2026-11-30T08:00:00.000Z'],
    ['Le confirmo a fin de mes.', '2026-11-30T08:00:00.000Z'],
    ['Ik laat het u morgen weten.', '2026-11-25T08:00:00.000Z'],
    ['We sturen het vrijdag op.', '2026-11-27T08:00:00.000Z'],
    ['Ik bel u over twee dagen.', '2026-11-26T08:00:00.000Z'],
  ])('other languages: %s', (text, expected) => {
    expect(due(text)).toBe(expected);
  });

  it.each([
    'Your parcel arrives on Friday.',
    "We'll be closed on Monday.",
    'Guten Morgen Maria, danke für die Nachricht.',
    'Por la mañana le llamaré.',
    "> I'll send it tomorrow\n\nThanks!",
    "I'll look into it and let you know.",
    'Goedemorgen! Fijn dat het werkt.',
  ])('no promise: %s', (text) => {
    expect(detectPromise(text, SENT, CET)).toBeNull();
  });

  it("resolves the day in the customer's time zone, from when the message was sent", () => {
    const late = new Date('2026-11-24T23:30:00Z');
    // New York: still Tuesday evening, so tomorrow is Wednesday, 9:00 there.
    expect(due("I'll write tomorrow.", late, -300)).toBe('2026-11-25T14:00:00.000Z');
    // Tokyo: already Wednesday morning, so tomorrow is Thursday, 9:00 there.
    expect(due("I'll write tomorrow.", late, 540)).toBe('2026-11-26T00:00:00.000Z');
    // Unknown: UTC.
    expect(due("I'll write tomorrow.", late, null)).toBe('2026-11-25T09:00:00.000Z');
  });

  it('takes the time named after the commitment, and the earliest promise of several, with their words', () => {
    expect(detectPromise("I'll send the invoice tomorrow and the full report by the end of the month.", SENT, CET)).toEqual({
      sentence: "I'll send the invoice tomorrow and the full report by the end of the month.",
      whenText: 'tomorrow',
      dueAt: new Date('2026-11-25T08:00:00Z'),
    });
    const two = detectPromise("I'll have the report by Friday. And I'll call you tomorrow!\n\nDana", SENT, CET);
    expect(two).toMatchObject({ sentence: "And I'll call you tomorrow!", whenText: 'tomorrow' });
    expect(detectPromise("I'll get back to you by Friday.", SENT, CET)?.whenText).toBe('by Friday');
  });

  it('does not read a signature or a date that does not exist', () => {
    expect(detectPromise("Thanks!\n-- \nDana\nWe'll reply within 2 days, Monday to Friday", SENT, CET)).toBeNull();
    expect(detectPromise("I'll confirm by 31 February.", SENT, CET)).toBeNull();
  });
});
