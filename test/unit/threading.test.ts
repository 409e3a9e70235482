import { describe, expect, it } from 'vitest';
import { isReplySubject, normalizeSubject, subjectCanThread, threadIndexKey, threadKeys } from '../../core/conversations/threading.ts';

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
