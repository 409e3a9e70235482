import { describe, expect, it } from 'vitest';
import { MATCH_END as E, readHeadline, MATCH_START as S, toTsQuery } from '../../core/search/query.ts';

describe('toTsQuery', () => {
  it.each([
    ['maria', "'maria':*"],
    ['Maria Lopez', "'Maria':* & 'Lopez':*"],
    ['"late delivery"', "('late' <-> 'delivery')"],
    ['pan -refund', "'pan':* & !'refund'"],
    ['pan or pot', "'pan':* | 'pot':*"],
    ['pan -"gift wrap"', "'pan':* & !('gift' <-> 'wrap')"],
    ['maria@bakery.example', "'maria@bakery.example':*"],
    ["O'Neil", "'O''Neil':*"],
    ['back\\slash', "'back\\\\slash':*"],
    ['Grüße 订单', "'Grüße':* & '订单':*"],
    ['"unclosed phrase', "('unclosed' <-> 'phrase')"],
  ])('%s -> %s', (input, expected) => {
    expect(toTsQuery(input)).toBe(expected);
  });

  it('gives nothing to search for punctuation, a lone "or", or exclusions alone', () => {
    for (const input of ['', '   ', '!!! ???', 'or', '-refund', '-"gift wrap"']) expect(toTsQuery(input), input).toBeNull();
  });

  it('keeps whatever a person types inside quoted literals, so the query syntax cannot break', () => {
    expect(toTsQuery("a' | b & !c:* <-> ('d")).toBe("'a''':* & 'b':* & '!c:*':* & '(''d':*");
  });
});

describe('readHeadline', () => {
  it('turns match marks into positions in plain, whitespace-folded text', () => {
    const h = readHeadline(`The pan\n\n${S}warped${E} after   two uses … ${S}warping${E} again`);
    expect(h.text).toBe('The pan warped after two uses … warping again');
    expect(h.highlights.map(([a, b]) => h.text.slice(a, b))).toEqual(['warped', 'warping']);
  });

  it('counts positions in UTF-16 units as JavaScript does', () => {
    const h = readHeadline(`Bestellung 🍳 ${S}Grüße${E}`);
    expect(h.text.slice(...h.highlights[0]!)).toBe('Grüße');
  });
});
