import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import { rankSnippets, type SearchableSnippet } from '../../core/snippets/snippet-search.ts';
import { fillSnippet } from '../../core/snippets/snippet-text.ts';

const snippet = (name: string, more: Partial<SearchableSnippet> = {}): SearchableSnippet => ({ name, body: '', shortcut: null, keywords: [], useCount: 0, ...more });

const LIBRARY = [
  snippet('Return policy', { shortcut: 'returns', keywords: ['refund'], body: 'You can send anything back within 30 days.', useCount: 2 }),
  snippet('Retail partners', { body: 'A few kitchen shops sell our pans too.', useCount: 9 }),
  snippet('Seasoning a pan', { shortcut: 'season', keywords: ['oil'], body: 'Rub a thin layer of oil over it and bake it for an hour.', useCount: 30 }),
  snippet('Shipping to Austria', { keywords: ['abroad', 'Österreich'], body: 'We ship with DHL; it takes three to five days. Returns go to our Vienna partner.' }),
  snippet('Rücksendung', { body: 'Du kannst alles innerhalb von 30 Tagen zurückschicken.' }),
];
const names = (query: string, limit?: number) => rankSnippets(LIBRARY, query, limit).map((s) => s.name);

describe('finding a snippet in the picker', () => {
  it('lists every snippet, most used first, before anything is typed', () => {
    expect(names('')).toEqual(['Seasoning a pan', 'Retail partners', 'Return policy', 'Rücksendung', 'Shipping to Austria']);
    expect(names('#')).toEqual(names(''));
  });

  it('puts a name starting with the word typed first, whatever the use counts say', () => {
    // "#ret": Return policy starts with it and its shortcut too; Retail partners only by name; Shipping to Austria in its text.
    expect(names('#ret')).toEqual(['Return policy', 'Retail partners', 'Shipping to Austria']);
    expect(names('ret')).toEqual(names('#ret'));
  });

  it('ranks the shortcut over the name, the name over keywords, keywords over the text', () => {
    expect(names('season')).toEqual(['Seasoning a pan']);
    expect(names('returns')).toEqual(['Return policy', 'Shipping to Austria']);
    expect(names('refund')).toEqual(['Return policy']);
    expect(names('oil')).toEqual(['Seasoning a pan']);
    expect(names('abroad')).toEqual(['Shipping to Austria']);
  });

  it('needs every word typed, each at the start of a word, in any order', () => {
    expect(names('pan seas')).toEqual(['Seasoning a pan']);
    expect(names('return label')).toEqual([]);
    expect(names('eason')).toEqual(['Seasoning a pan']);
    expect(names('ea')).toEqual([]);
  });

  it('prefers the name read from its start when several words are typed', () => {
    const both = [snippet('Policy on returns', { useCount: 50 }), snippet('Return policy')];
    expect(rankSnippets(both, 'return pol').map((s) => s.name)).toEqual(['Return policy', 'Policy on returns']);
  });

  it('ignores case and accents, and the markup of variables', () => {
    expect(names('rucksendung')).toEqual(['Rücksendung']);
    expect(names('OSTERR')).toEqual(['Shipping to Austria']);
    const withVariable = [snippet('Greeting', { body: 'Hi {{customer.firstName}}, thanks!' })];
    expect(rankSnippets(withVariable, 'customer')).toEqual([]);
    expect(rankSnippets(withVariable, 'thanks')).toHaveLength(1);
  });

  it('keeps to the limit', () => {
    expect(names('', 2)).toEqual(['Seasoning a pan', 'Retail partners']);
  });
});

describe('filling a snippet', () => {
  const context = {
    customer: { name: 'Maria Lopez', firstName: 'Maria' },
    message: { subject: 'Order 1042', quote: 'The lid is too small.' },
    staff: { firstName: 'Dana' },
  };

  it('fills the variables templates get and leaves the slots for the writer', () => {
    const filled = fillSnippet(
      'Hi {{customer.firstName}}, about "{{message.subject}}": {{#personal "what you will do"}}{{/personal}} [[the date]]\n\n{{staff.firstName}}\n',
      context,
    );
    expect(filled).toEqual({ text: 'Hi Maria, about "Order 1042": [[what you will do]] [[the date]]\n\nDana', slots: ['what you will do', 'the date'] });
  });

  it('writes nothing for a variable the conversation does not know, and never HTML-escapes', () => {
    expect(fillSnippet('Order {{order.number}} & co <b>', context).text).toBe('Order  & co <b>');
  });

  it('uses the partials it is given', () => {
    const sources = [{ name: 'partials/signature', body: '{{staff.firstName}}\nFernhill', overridden: false }];
    expect(fillSnippet('Thanks!\n{{> signature}}', context, sources).text).toBe('Thanks!\nDana\nFernhill');
  });

  it('does not reach prototypes', () => {
    expect(fillSnippet('[{{constructor.name}}][{{customer.constructor.constructor}}]', context).text).toBe('[][]');
  });

  it('says which line of a broken snippet is wrong', () => {
    const broken = () => fillSnippet('Hi\n{{#if customer.firstName}}never closed', context);
    expect(broken).toThrow(ValidationError);
    try {
      broken();
    } catch (err) {
      expect((err as ValidationError).details).toMatchObject({ field: 'body' });
      expect((err as ValidationError).message).toMatch(/line \d+/);
    }
  });
});
