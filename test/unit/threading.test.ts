import { describe, expect, it } from 'vitest';
import { isReplySubject, isSubjectOnly, normalizeSubject, subjectCanThread, threadIndexKey, threadKeys, threadSubject } from '../../core/conversations/threading.ts';

describe('normalizeSubject', () => {
  it.each([
    ['Re: Order #FH-1042', 'order #fh-1042'],
    ['RE: re: Fwd: Order #FH-1042', 'order #fh-1042'],
    ['AW: WG: Lieferung', 'lieferung'],
    ['SV: Leverans', 'leverans'],
    ['Antw: bestelling', 'bestelling'],
    ['[Fernhill] Re: [ticket 12] pan cracked', 'pan cracked'],
    ['Re[2]: Pan', 'pan'],
    ['Re (3): Pan', 'pan'],
    ['  Re:   the   pan  ', 'the pan'],
    ['回复: 订单', '订单'],
    ['Regarding the pan', 'regarding the pan'],
    ['Reply needed', 'reply needed'],
  ])('%s -> %s', (subject, expected) => {
    expect(normalizeSubject(subject)).toBe(expected);
  });

  it('knows a reply subject from a fresh one', () => {
    expect(isReplySubject('Re: hello there')).toBe(true);
    expect(isReplySubject('Regarding hello')).toBe(false);
  });

  it('does not thread on generic subjects', () => {
    expect(subjectCanThread('question')).toBe(false);
    expect(subjectCanThread('')).toBe(false);
    expect(subjectCanThread('cracked cast-iron pan')).toBe(true);
  });
});

describe('threadKeys', () => {
  it('uses the own id, the parent and every reference once, brackets removed', () => {
    expect(threadKeys({ messageId: 'c@x', inReplyTo: '<b@x>', references: ['a@x', 'b@x'] })).toEqual(['mid:c@x', 'mid:b@x', 'mid:a@x']);
  });

  it('adds the Outlook Thread-Index root, shared by replies that extend it', () => {
    const root = Buffer.alloc(22, 7);
    const child = Buffer.concat([root, Buffer.alloc(5, 1)]);
    expect(threadIndexKey(root.toString('base64'))).toBe(threadIndexKey(child.toString('base64')));
    expect(threadKeys({ messageId: 'a@x', inReplyTo: null, references: [], threadIndex: child.toString('base64') })).toContain(threadIndexKey(root.toString('base64')));
    expect(threadIndexKey('short')).toBeNull();
  });
});

describe('threadKeys order and the subject rules', () => {
  it('puts the parent before older ancestors, nearest first', () => {
    expect(threadKeys({ messageId: 'd@x', inReplyTo: 'c@x', references: ['a@x', 'b@x', 'c@x'] })).toEqual(['mid:d@x', 'mid:c@x', 'mid:b@x', 'mid:a@x']);
  });

  it('joins by subject only messages that name no parent', () => {
    expect(isSubjectOnly({ inReplyTo: null, references: [] })).toBe(true);
    expect(isSubjectOnly({ inReplyTo: 'a@x', references: [] })).toBe(false);
    expect(isSubjectOnly({ inReplyTo: null, references: ['a@x'] })).toBe(false);
  });

  it("takes Outlook's Thread-Topic over a subject prefixed in a language we do not list", () => {
    expect(threadSubject('ΑΠ: Παραγγελία 1042', 'Παραγγελία 1042')).toBe('παραγγελία 1042');
    expect(threadSubject('Re: Order 1042', null)).toBe('order 1042');
    expect(threadSubject('Re: Order 1042', '   ')).toBe('order 1042');
  });
});
