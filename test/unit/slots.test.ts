import { describe, expect, it } from 'vitest';
import { findSlots, SLOT_PATTERN } from '../../core/drafts/slots.ts';

describe('findSlots', () => {
  it('finds each slot with its hint and offsets', () => {
    const text = 'Hi Anna,\n\n[[say what you liked about their idea]]\n\nThanks! [[sign off]]\n';
    const slots = findSlots(text);
    expect(slots.map((s) => s.hint)).toEqual(['say what you liked about their idea', 'sign off']);
    for (const s of slots) expect(text.slice(s.start, s.end)).toBe(`[[${s.hint}]]`);
  });

  it('trims the hint and still counts an empty placeholder', () => {
    expect(findSlots('a [[  their name ]] b [[]] c')).toEqual([
      { hint: 'their name', start: 2, end: 19 },
      { hint: '', start: 22, end: 26 },
    ]);
  });

  it('does not treat brackets across lines, nested brackets or overlong hints as slots', () => {
    expect(findSlots('[[first line\nsecond]]')).toEqual([]);
    expect(findSlots('[[a [b] c]]')).toEqual([]);
    expect(findSlots('[single]')).toEqual([]);
    expect(findSlots(`[[${'x'.repeat(201)}]]`)).toEqual([]);
    expect(findSlots(`[[${'x'.repeat(200)}]]`)).toHaveLength(1);
  });

  it('finds the inner slot inside extra brackets', () => {
    expect(findSlots('[[[hint]]]')).toEqual([{ hint: 'hint', start: 1, end: 9 }]);
  });

  it('keeps no state between calls', () => {
    const text = 'one [[a]] two [[b]]';
    expect(findSlots(text)).toHaveLength(2);
    expect(findSlots(text)).toHaveLength(2);
    expect(SLOT_PATTERN.test(text)).toBe(true);
    expect(SLOT_PATTERN.test(text)).toBe(true);
    expect(SLOT_PATTERN.exec('x [[their name]] y')?.[1]).toBe('their name');
  });
});
