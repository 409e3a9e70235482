import { describe, expect, it } from 'vitest';
import { findMentions } from '../../core/conversations/notes.ts';

const staff = [
  { id: 1, name: 'Dana Okafor', email: 'dana@fernhill.example', disabled_at: null },
  { id: 2, name: 'Sam Reyes', email: 'sreyes@fernhill.example', disabled_at: null },
  { id: 3, name: 'Sam Whitfield', email: 'sam.w@fernhill.example', disabled_at: null },
  { id: 4, name: 'Jürgen Maaß', email: 'juergen@fernhill.example', disabled_at: null },
  { id: 5, name: 'Old Timer', email: 'old@fernhill.example', disabled_at: new Date('2026-01-01') },
];

describe('findMentions', () => {
  it('finds staff by email local part, by full name, or by a first name only one of them has', () => {
    expect(findMentions('@dana can you check the order?', staff)).toEqual([1]);
    expect(findMentions('cc @sreyes and @sam.w', staff)).toEqual([2, 3]);
    expect(findMentions('@sam.whitfield, @samreyes', staff)).toEqual([3, 2]);
    expect(findMentions('Frag @Jürgen, bitte.', staff)).toEqual([4]);
  });

  it('mentions nobody for a shared first name, a disabled person, an unknown name or an email address', () => {
    expect(findMentions('@sam should look', staff)).toEqual([]);
    expect(findMentions('@old please', staff)).toEqual([]);
    expect(findMentions('@nobody', staff)).toEqual([]);
    expect(findMentions('she wrote from dana@fernhill.example and maria@bakery.example', staff)).toEqual([]);
  });

  it('names each person once, and ignores trailing punctuation', () => {
    expect(findMentions('@dana. Thanks @Dana! (@dana)', staff)).toEqual([1]);
  });
});
