import { describe, expect, it } from 'vitest';
import { findMentions, mentionHandle, mentionSpans } from '../../core/conversations/mentions.ts';

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

describe('mentionSpans', () => {
  it('gives where each mention is, so the note can show it highlighted, and skips what names nobody', () => {
    const body = 'Hi @dana, ask @sam or @sreyes. Mail me at x@y.example';
    expect(mentionSpans(body, staff)).toEqual([
      { start: 3, end: 8, userId: 1 },
      { start: 22, end: 29, userId: 2 },
    ]);
    expect(body.slice(3, 8)).toBe('@dana');
  });

  it('counts positions as JavaScript does, after emoji and accents', () => {
    const body = '👋 @jürgen';
    const [span] = mentionSpans(body, staff);
    expect(body.slice(span!.start, span!.end)).toBe('@jürgen');
  });

  it('reads no HTML as a mention: only the handle itself', () => {
    expect(mentionSpans('<b>@dana</b>', staff)).toEqual([{ start: 3, end: 8, userId: 1 }]);
    expect(findMentions('@dana<script>alert(1)</script>', staff)).toEqual([1]);
  });
});

describe('mentionHandle', () => {
  it('offers the handle that names that person alone: the email local part, else the dotted name', () => {
    expect(mentionHandle(staff[0]!, staff)).toBe('dana');
    expect(mentionHandle(staff[1]!, staff)).toBe('sreyes');
    expect(mentionHandle(staff[2]!, staff)).toBe('sam.w');
    const twoDanas = [...staff, { id: 6, name: 'Dana Kim', email: 'dana@other.example', disabled_at: null }];
    expect(mentionHandle(twoDanas[0]!, twoDanas)).toBe('dana.okafor');
    expect(mentionHandle(twoDanas[5]!, twoDanas)).toBe('dana.kim');
  });

  it('has none for a name and address that cannot be written as one handle', () => {
    const odd = [{ id: 7, name: "O'Brien", email: 'o+brien@x.example', disabled_at: null }];
    expect(mentionHandle(odd[0]!, odd)).toBeNull();
  });

  it('every handle offered mentions exactly its person', () => {
    for (const person of staff.filter((s) => !s.disabled_at)) {
      const handle = mentionHandle(person, staff);
      expect(handle).not.toBeNull();
      expect(findMentions(`@${handle}`, staff)).toEqual([person.id]);
    }
  });
});
