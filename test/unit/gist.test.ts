import { describe, expect, it } from 'vitest';
import { gistOf } from '../../core/customers/card.ts';

describe('gistOf', () => {
  it('takes the first paragraph after a greeting, leaving an unmarked signature block out', () => {
    expect(gistOf('Hi Dana,\n\nDoes the pan work on induction?\nAnd in the oven?\n\nMaria Lopez\nBakery Lopez')).toBe('Does the pan work on induction? And in the oven?');
    expect(gistOf('Hallo zusammen!\nWann kommt meine Lieferung?')).toBe('Wann kommt meine Lieferung?');
  });

  it('keeps a first line that greets and asks at once, and shortens long text', () => {
    expect(gistOf('Hi, it is Maria again. Could we order 20 pans?')).toBe('Hi, it is Maria again. Could we order 20 pans?');
    expect(gistOf(`${'word '.repeat(60)}`).length).toBeLessThanOrEqual(141);
  });

  it('falls back to the whole text when there is only a greeting', () => {
    expect(gistOf('Hello!')).toBe('Hello!');
  });
});
