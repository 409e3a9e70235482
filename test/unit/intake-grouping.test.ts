import { describe, expect, it } from 'vitest';
import { type GroupingMessage, groupBatch, type SubjectCandidate } from '../../core/intake/grouping.ts';
import { seededRandom } from '../support/mail-generator.ts';

const DAY = 86_400_000;
const WINDOW = 30 * DAY;
const mid = (id: string) => `mid:${id}`;

function message(id: string, o: Partial<GroupingMessage> & { parents?: string[] } = {}): GroupingMessage {
  return {
    keys: [mid(id), ...(o.parents ?? []).map(mid)],
    subjectOnly: (o.parents ?? []).length === 0,
    customerId: o.customerId ?? 1,
    normalizedSubject: o.normalizedSubject ?? `subject of ${id}`,
    date: o.date ?? 0,
  };
}

/** Groups as sets of message names, independent of order. */
function partition(names: string[], messages: GroupingMessage[], owners = new Map<string, number>(), candidates: SubjectCandidate[] = []): string[][] {
  return groupBatch(messages, owners, candidates, WINDOW)
    .map((g) => g.messages.map((i) => names[i]!).sort())
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

describe('grouping a batch', () => {
  it('joins a reply and its parent, and two replies to a parent it does not hold', () => {
    const names = ['a', 'b', 'c', 'd', 'x'];
    const messages = [message('a'), message('b', { parents: ['a'] }), message('c', { parents: ['gone'] }), message('d', { parents: ['gone', 'c'] }), message('x')];
    expect(partition(names, messages)).toEqual([['a', 'b'], ['c', 'd'], ['x']]);
  });

  it('joins by subject only the same customer within the window, and only where one of the two names no parent', () => {
    const s = { normalizedSubject: 'warped frying pan' };
    const names = ['first', 'again', 'other-customer', 'too-late', 'reply-elsewhere', 'parent-elsewhere'];
    const messages = [
      message('first', { ...s, date: 0 }),
      message('again', { ...s, date: 5 * DAY }),
      message('other-customer', { ...s, customerId: 2, date: DAY }),
      message('too-late', { ...s, date: 100 * DAY }),
      // Both name a parent: they trust their references, not the subject.
      message('reply-elsewhere', { ...s, date: 60 * DAY, parents: ['p1'] }),
      message('parent-elsewhere', { ...s, date: 61 * DAY, parents: ['p2'] }),
    ];
    expect(partition(names, messages)).toEqual([['again', 'first'], ['other-customer'], ['parent-elsewhere'], ['reply-elsewhere'], ['too-late']]);
  });

  it('never joins by a generic subject', () => {
    const messages = [message('a', { normalizedSubject: 'question' }), message('b', { normalizedSubject: 'question', date: DAY })];
    expect(partition(['a', 'b'], messages)).toEqual([['a'], ['b']]);
  });

  it('names the stored conversations a group links to, strongest first, and each message its own links', () => {
    const owners = new Map([
      [mid('stored-1'), 10],
      [mid('stored-2'), 20],
    ]);
    const candidates: SubjectCandidate[] = [{ conversationId: 30, customerId: 1, normalizedSubject: 'lid for the skillet', date: 0, subjectOnly: true }];
    // The late parent names both stored branches; its own keys first, so 20 (its parent) before 10.
    const messages = [message('late', { parents: ['stored-2', 'stored-1'], date: 2 * DAY }), message('asks-again', { normalizedSubject: 'lid for the skillet', date: DAY })];
    const groups = groupBatch(messages, owners, candidates, WINDOW);
    expect(groups).toHaveLength(2);
    const late = groups.find((g) => g.messages.includes(0))!;
    expect(late.conversations).toEqual([20, 10]);
    expect(late.links.get(0)).toEqual([20, 10]);
    expect(groups.find((g) => g.messages.includes(1))!.conversations).toEqual([30]);
  });

  it('groups generated threads the same in any order', () => {
    const random = seededRandom(9);
    const names: string[] = [];
    const messages: GroupingMessage[] = [];
    for (let t = 0; t < 60; t++) {
      const subject = `topic ${t % 17}`;
      let parent: string | null = null;
      for (let n = 0; n < 1 + Math.floor(random() * 5); n++) {
        const id = `${t}.${n}`;
        // Some replies lose their references, as some mail programs do.
        const parents = parent && random() > 0.1 ? [parent] : [];
        names.push(id);
        messages.push(message(id, { parents, customerId: t % 9, normalizedSubject: subject, date: t * 3 * DAY + n * DAY }));
        parent = id;
      }
    }
    const expected = partition(names, messages);
    for (let seed = 1; seed <= 5; seed++) {
      const r = seededRandom(seed);
      const order = names.map((_, i) => i).sort(() => r() - 0.5);
      expect(
        partition(
          order.map((i) => names[i]!),
          order.map((i) => messages[i]!),
        ),
      ).toEqual(expected);
    }
  });
});
