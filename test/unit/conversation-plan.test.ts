import { describe, expect, it } from 'vitest';
import { type NewMessage, planConversation, preview, type StoredConversation } from '../../core/intake/conversation-plan.ts';

const now = new Date('2026-11-20T12:00:00Z');
const at = (day: number) => new Date(Date.UTC(2026, 10, day, 9));
const plan = (stored: StoredConversation, messages: NewMessage[], openDraft = false) => planConversation(stored, messages, { openDraft, now, historyDays: 14 });

const started: StoredConversation = {
  id: 1,
  status: 'waiting_on_us',
  customerId: 7,
  firstMessageAt: null,
  lastMessageAt: null,
  lastInboundAt: null,
  lastOutboundAt: null,
  lastHuman: null,
};
const answered: StoredConversation = {
  ...started,
  status: 'waiting_on_them',
  firstMessageAt: at(1),
  lastMessageAt: at(2),
  lastInboundAt: at(1),
  lastOutboundAt: at(2),
  lastHuman: 'out',
};
let next = 100;
function msg(day: number, o: Partial<NewMessage> = {}): NewMessage {
  return { messageId: next++, customerId: 7, date: at(day), direction: 'in', automated: false, intent: 'question', origin: 'imap', historical: false, ...o };
}

describe('what a batch does to a conversation', () => {
  it('a new question waits on us and wants a draft answering it', () => {
    const q = msg(3);
    expect(plan(started, [q])).toMatchObject({
      status: 'waiting_on_us',
      intent: 'question',
      draftWantedFor: q.messageId,
      times: { first: at(3), last: at(3), lastIn: at(3), lastOut: null },
    });
  });

  it('their thanks after our answer closes it, unless a draft is already open', () => {
    expect(plan(answered, [msg(3, { intent: 'thanks' })])).toMatchObject({ status: 'done', draftWantedFor: null, priority: 0 });
    expect(plan(answered, [msg(3, { intent: 'thanks' })], true)).toMatchObject({ status: 'waiting_on_us', draftWantedFor: null });
  });

  it('a complaint raises the priority; a question after our answer brings it back down', () => {
    expect(plan(started, [msg(3, { intent: 'complaint' })]).priority).toBe(1);
    expect(plan(answered, [msg(3)]).priority).toBe(0);
    expect(plan(started, [msg(3)]).priority).toBeNull();
  });

  it('a reply from another mail program retires the pending draft; our own sent copy does not', () => {
    expect(plan(started, [msg(3), msg(4, { direction: 'out' })])).toMatchObject({ status: 'waiting_on_them', draftWantedFor: null, discardPending: true });
    expect(plan(started, [msg(4, { direction: 'out', origin: 'outbox' })])).toMatchObject({ discardPending: false, draftWantedFor: null });
    expect(preview(started, [msg(3), msg(4, { direction: 'out' })]).customerWrote).toBe(true);
  });

  it('automated mail changes the times but not who it waits on, and asks for nothing', () => {
    const change = plan(answered, [msg(5, { automated: true, intent: null })]);
    expect(change).toMatchObject({ status: 'waiting_on_them', draftWantedFor: undefined, times: { last: at(5), lastIn: at(5) } });
    expect(preview(answered, [msg(5, { automated: true })]).customerWrote).toBe(false);
  });

  it('old mail gets a draft only if the customer wrote it recently', () => {
    expect(plan(started, [msg(1, { historical: true, date: new Date('2026-10-01T09:00:00Z') })]).draftWantedFor).toBeNull();
    const recent = msg(15, { historical: true });
    expect(plan(started, [recent]).draftWantedFor).toBe(recent.messageId);
  });

  it('mail older than the newest stored leaves times and status to a recount, and is not the latest', () => {
    const late = plan(answered, [msg(1, { date: new Date(at(1).getTime() - 3600_000) })]);
    expect(late).toMatchObject({ times: null, status: null, draftWantedFor: undefined, intent: null });
  });

  it('the same messages in any order give the same outcome', () => {
    const messages = [msg(3), msg(4, { direction: 'out' }), msg(5, { intent: 'thanks' })];
    const forward = plan(answered, messages);
    expect(plan(answered, [...messages].reverse())).toEqual(forward);
    expect(forward).toMatchObject({ status: 'done', draftWantedFor: null });
  });

  it('a conversation staff closed stays closed through our reply, and opens when they write', () => {
    const closed = { ...answered, status: 'done' as const };
    expect(plan(closed, [msg(3, { direction: 'out' })]).status).toBe('done');
    expect(plan(closed, [msg(3)]).status).toBe('waiting_on_us');
  });
});
