import { describe, expect, it } from 'vitest';
import { nextLocalHour, offsetLabel, suggestedTime } from '../../core/followups/local-time.ts';
import { asksQuestion, questionAsked } from '../../core/followups/questions.ts';
import {
  type ConversationFacts,
  type CustomerFacts,
  conversationKey,
  decideCheckIn,
  decideCloseTheLoop,
  decideFirstContact,
  decideKeepInTouch,
  decideNudge,
  decidePromiseReminder,
  decideReminder,
  type KeepInTouchRule,
  keepInTouchApplies,
  keepInTouchKey,
} from '../../core/followups/rules.ts';
import { theirWords } from '../../core/followups/their-words.ts';
import { whatWeSolved } from '../../core/followups/what-we-solved.ts';

const at = (iso: string) => new Date(iso);
const on = { enabled: true, days: 14 };
const nudgeRule = { enabled: true, days: 5 };

// We answered on Monday 2 November, 12:00 UTC; the customer is at UTC+01:00.
const quiet = (over: Partial<ConversationFacts> = {}): ConversationFacts => ({
  conversationId: 7,
  customerId: 3,
  customerName: 'Maria Lopez',
  subject: 'CSV export',
  doNotFollowUp: false,
  status: 'waiting_on_them',
  theirLastAt: at('2026-11-02T09:00:00Z'),
  ourLastAt: at('2026-11-02T12:00:00Z'),
  ourLastAsks: false,
  customerLastInboundAt: at('2026-11-02T09:00:00Z'),
  utcOffsetMinutes: 60,
  followupsSinceTheyWrote: [],
  snoozedUntil: null,
  openDraft: false,
  pendingFollowup: false,
  ...over,
});

describe('their time', () => {
  it('suggests their next morning, in their offset', () => {
    expect(nextLocalHour(at('2026-11-16T12:00:00Z'), 60, 9)).toEqual(at('2026-11-17T08:00:00Z'));
    expect(nextLocalHour(at('2026-11-16T07:00:00Z'), 60, 9)).toEqual(at('2026-11-16T08:00:00Z'));
    expect(nextLocalHour(at('2026-11-16T08:00:00Z'), 60, 9)).toEqual(at('2026-11-16T08:00:00Z'));
    expect(nextLocalHour(at('2026-11-16T12:00:00Z'), -300, 9)).toEqual(at('2026-11-16T14:00:00Z'));
    expect(nextLocalHour(at('2026-11-16T12:00:00Z'), 330, 9)).toEqual(at('2026-11-17T03:30:00Z'));
    expect(suggestedTime(at('2026-11-02T12:00:00Z'), 14, null, 9)).toEqual(at('2026-11-17T09:00:00Z'));
    expect([offsetLabel(60), offsetLabel(-330), offsetLabel(null)]).toEqual(['UTC+01:00', 'UTC-05:30', 'UTC (their time zone is not known)']);
  });
});

describe('check in', () => {
  it('fires at their morning fourteen days on, not before, and not more than a week late', () => {
    expect(decideCheckIn(quiet(), on, 9, at('2026-11-17T07:59:00Z'))).toEqual({ act: 'not_yet', dueAt: at('2026-11-17T08:00:00Z') });
    expect(decideCheckIn(quiet(), on, 9, at('2026-11-17T08:00:00Z'))).toMatchObject({ act: 'draft', dueAt: at('2026-11-17T08:00:00Z') });
    expect(decideCheckIn(quiet(), on, 9, at('2026-11-24T08:00:01Z'))).toMatchObject({ act: 'skip', why: expect.stringContaining('more than 7 days ago') });
  });

  it('is for answers that asked nothing, to customers who have not written since, once', () => {
    const now = at('2026-11-17T08:00:00Z');
    expect(decideCheckIn(quiet({ ourLastAsks: true }), on, 9, now)).toMatchObject({ act: 'skip', why: expect.stringContaining('waiting-on-them') });
    expect(decideCheckIn(quiet({ customerLastInboundAt: at('2026-11-10T00:00:00Z') }), on, 9, now)).toMatchObject({ act: 'skip', why: expect.stringContaining('written since') });
    expect(decideCheckIn(quiet({ status: 'waiting_on_us', theirLastAt: at('2026-11-03T00:00:00Z') }), on, 9, now)).toMatchObject({ act: 'skip', why: 'the customer wrote last' });
    expect(decideCheckIn(quiet({ theirLastAt: null }), on, 9, now)).toMatchObject({ act: 'skip', why: expect.stringContaining('we wrote first') });
    expect(decideCheckIn(quiet({ followupsSinceTheyWrote: ['check_in'] }), on, 9, now)).toMatchObject({ act: 'skip', why: expect.stringContaining('already went out') });
    expect(decideCheckIn(quiet({ doNotFollowUp: true }), on, 9, now)).toMatchObject({ act: 'skip', why: 'the customer is marked "do not follow up"' });
    expect(decideCheckIn(quiet(), { enabled: false, days: 14 }, 9, now)).toMatchObject({ act: 'skip', why: 'the check-in rule is off' });
  });

  it('waits while the conversation is snoozed, has an open draft, or the customer has a follow-up waiting', () => {
    const now = at('2026-11-17T08:00:00Z');
    expect(decideCheckIn(quiet({ snoozedUntil: at('2026-11-20T00:00:00Z') }), on, 9, now)).toMatchObject({ act: 'wait' });
    expect(decideCheckIn(quiet({ snoozedUntil: at('2026-11-16T00:00:00Z') }), on, 9, now)).toMatchObject({ act: 'draft' });
    expect(decideCheckIn(quiet({ openDraft: true }), on, 9, now)).toEqual({ act: 'wait', why: 'a draft of this conversation is open' });
    expect(decideCheckIn(quiet({ pendingFollowup: true }), on, 9, now)).toEqual({ act: 'wait', why: 'another follow-up for this customer is waiting' });
  });

  it("is keyed by the conversation and the customer's last message: one per period", () => {
    expect(conversationKey('check_in', quiet())).toBe(`check_in:conversation:7:${at('2026-11-02T09:00:00Z').getTime()}`);
    expect(conversationKey('waiting_on_them', quiet({ theirLastAt: null }))).toBe('waiting_on_them:conversation:7:0');
  });
});

describe('waiting on them', () => {
  it('nudges five days after a question of ours, in their morning, once', () => {
    const asked = quiet({ ourLastAsks: true, utcOffsetMinutes: -300 });
    // 7 November, 12:00 UTC is 7:00 in New York: the nudge is for 9:00 there that day.
    expect(decideNudge(asked, nudgeRule, 9, at('2026-11-07T13:59:00Z'))).toEqual({ act: 'not_yet', dueAt: at('2026-11-07T14:00:00Z') });
    expect(decideNudge(asked, nudgeRule, 9, at('2026-11-07T14:00:00Z'))).toMatchObject({ act: 'draft' });
    expect(decideNudge({ ...asked, followupsSinceTheyWrote: ['waiting_on_them'] }, nudgeRule, 9, at('2026-11-08T14:00:00Z'))).toMatchObject({ act: 'skip' });
    expect(decideNudge(quiet(), nudgeRule, 9, at('2026-11-07T14:00:00Z'))).toEqual({ act: 'skip', why: 'our last message asked them nothing' });
  });

  it('knows a question from a sign-off', () => {
    expect(asksQuestion('Hi Ben,\n\nWhich length would you like, 16 or 18 cm?\n\nSam')).toBe(true);
    expect(asksQuestion('Could you send me a photo of the crack please.')).toBe(true);
    expect(asksQuestion('Here is the link. Anything else I can help with?')).toBe(false);
    expect(asksQuestion('Let me know if you have any other questions!')).toBe(false);
    expect(asksQuestion('> Do you ship to Norway?\n\nYes, we do.')).toBe(false);
    expect(questionAsked('Done. Does the 24 cm lid fit? Thanks')).toBe('Does the 24 cm lid fit?');
  });

  it('hears a request without a question mark as asking, and a courtesy as not', () => {
    const asks = [
      'please send me the order number',
      'Hi Pat,\n\nSorry about that. Please send me the order number and I will look into it.\n\nDana',
      'Could you send a photo of the label.',
      'Could you please also share a screenshot of the error',
      'Can you confirm the delivery address for me.',
      'Would you mind sending the receipt again.',
      'Let me know which size you ordered.',
      'Just let us know what colour you would prefer.',
      'Let me know when you are home, so the courier can come by.',
      'Kindly forward the invoice to our accounts team.',
      'Send me the tracking number when you have it.',
      'If you could send me a picture of the lid, I can check the size.',
      "I'll need your order number to find it.",
      'Please reply with the serial number on the base.',
    ];
    for (const text of asks) expect([text, asksQuestion(text)]).toEqual([text, true]);
    const courtesies = [
      'Let me know if anything else comes up.',
      'Please enjoy!',
      'Please enjoy the new pan, and happy cooking.',
      'Let me know how it goes!',
      'Let me know if you have any trouble with it.',
      'Please note that we are closed on Monday.',
      'Feel free to send me a photo if it happens again.',
      "Don't hesitate to tell us if it breaks.",
      'We sent the replacement today; it should be with you by Friday.',
      'Check the box under Settings and the export runs by itself.',
      '> Could you send me the manual?\n\nHere it is, attached.',
      'We will send you the tracking number tomorrow.',
      'Please reply to this email if you need anything.',
    ];
    for (const text of courtesies) expect([text, asksQuestion(text)]).toEqual([text, false]);
    expect(questionAsked('Hi Ben,\n\nThanks for the photo. Let me know which size you ordered, and I will send the right lid.\n\nSam')).toBe(
      'Let me know which size you ordered, and I will send the right lid.',
    );
  });
});

describe('keep in touch', () => {
  const rule: KeepInTouchRule = { enabled: true, days: 90, onlyTags: [], minConversations: 0, minDaysSinceWeWrote: 14 };
  const customer = (over: Partial<CustomerFacts> = {}): CustomerFacts => ({
    customerId: 4,
    customerName: 'Ruth Calloway',
    doNotFollowUp: false,
    tags: [],
    conversationCount: 1,
    lastInboundAt: at('2026-08-01T09:00:00Z'),
    lastOutboundAt: at('2026-08-02T10:00:00Z'),
    utcOffsetMinutes: 60,
    pendingFollowup: false,
    latest: { conversationId: 9, subject: 'Knife roll', snoozedUntil: null, openDraft: false },
    waitingOnUs: null,
    keptInTouchSinceTheyWrote: false,
    ...over,
  });

  it('fires ninety days after the last mail either way, at their morning', () => {
    expect(decideKeepInTouch(customer(), rule, 9, at('2026-11-01T07:59:00Z'))).toMatchObject({ act: 'not_yet', dueAt: at('2026-11-01T08:00:00Z') });
    expect(decideKeepInTouch(customer(), rule, 9, at('2026-11-01T08:00:00Z'))).toMatchObject({ act: 'draft' });
    expect(decideKeepInTouch(customer({ lastInboundAt: at('2026-10-01T00:00:00Z') }), rule, 9, at('2026-11-01T08:00:00Z'))).toMatchObject({ act: 'not_yet' });
    expect(keepInTouchKey(customer())).toBe(`keep_in_touch:customer:4:${at('2026-08-01T09:00:00Z').getTime()}`);
  });

  it("respects the team's restriction: a tag, or a number of conversations", () => {
    expect(keepInTouchApplies({ tags: [], conversationCount: 1 }, { onlyTags: [], minConversations: 0 })).toBe(true);
    expect(keepInTouchApplies({ tags: ['Wholesale'], conversationCount: 1 }, { onlyTags: ['wholesale'], minConversations: 0 })).toBe(true);
    expect(keepInTouchApplies({ tags: ['retail'], conversationCount: 1 }, { onlyTags: ['wholesale'], minConversations: 0 })).toBe(false);
    expect(keepInTouchApplies({ tags: [], conversationCount: 3 }, { onlyTags: ['wholesale'], minConversations: 3 })).toBe(true);
    expect(keepInTouchApplies({ tags: [], conversationCount: 2 }, { onlyTags: [], minConversations: 3 })).toBe(false);
    expect(decideKeepInTouch(customer(), { ...rule, onlyTags: ['vip'] }, 9, at('2026-11-01T08:00:00Z'))).toMatchObject({ act: 'skip' });
  });

  it('never twice before they write, never over an unanswered message, and by hand at once', () => {
    const now = at('2026-11-01T08:00:00Z');
    expect(decideKeepInTouch(customer({ keptInTouchSinceTheyWrote: true }), rule, 9, now)).toMatchObject({ act: 'skip' });
    expect(decideKeepInTouch(customer({ waitingOnUs: { conversationId: 8, subject: 'Whetstone grit' } }), rule, 9, now)).toEqual({
      act: 'skip',
      why: '"Whetstone grit" is waiting for our answer: answer it first',
    });
    expect(decideKeepInTouch(customer({ latest: null }), rule, 9, now)).toMatchObject({ act: 'skip', why: 'there is no conversation with them to write in' });
    const early = at('2026-09-01T10:00:00Z');
    expect(decideKeepInTouch(customer(), { ...rule, enabled: false, onlyTags: ['vip'] }, 9, early, true)).toMatchObject({
      act: 'draft',
      dueAt: early,
      reason: expect.stringContaining('Going quiet'),
    });
    expect(decideKeepInTouch(customer({ doNotFollowUp: true }), rule, 9, early, true)).toMatchObject({ act: 'skip' });
    // Not by hand either while they wait for us, nor within the days after we wrote.
    expect(decideKeepInTouch(customer({ waitingOnUs: { conversationId: 8, subject: 'Whetstone grit' } }), rule, 9, early, true)).toMatchObject({ act: 'skip' });
    expect(decideKeepInTouch(customer({ lastOutboundAt: at('2026-08-19T10:00:01Z') }), rule, 9, early, true)).toEqual({
      act: 'skip',
      why: 'we wrote to them on 2026-08-19, less than 14 days ago',
    });
    expect(decideKeepInTouch(customer({ lastOutboundAt: at('2026-08-18T10:00:00Z') }), rule, 9, early, true)).toMatchObject({ act: 'draft' });
    expect(decideKeepInTouch(customer({ lastOutboundAt: at('2026-08-31T10:00:00Z') }), { ...rule, minDaysSinceWeWrote: 0 }, 9, early, true)).toMatchObject({ act: 'draft' });
  });
});

describe('first contact', () => {
  it('welcomes only the first message ever, for the chosen person', () => {
    const facts = { enabled: true, doNotFollowUp: false, customerName: 'Amara Okoye', earlierMessages: 0, personName: 'Dana Okafor' };
    expect(decideFirstContact(facts, at('2026-11-02T09:00:00Z'))).toMatchObject({ act: 'draft', reason: expect.stringContaining('drafted for Dana Okafor') });
    expect(decideFirstContact({ ...facts, earlierMessages: 1 }, at('2026-11-02T09:00:00Z'))).toMatchObject({ act: 'skip' });
    expect(decideFirstContact({ ...facts, doNotFollowUp: true }, at('2026-11-02T09:00:00Z'))).toMatchObject({ act: 'skip' });
    expect(decideFirstContact({ ...facts, enabled: false }, at('2026-11-02T09:00:00Z'))).toMatchObject({ act: 'skip' });
  });
});

describe('scheduled follow-ups', () => {
  const blockers = { snoozedUntil: null, openDraft: false, pendingFollowup: false };
  const promise = {
    ...blockers,
    enabled: true,
    dueAt: at('2026-11-06T08:00:00Z'),
    dismissed: false,
    doNotFollowUp: false,
    movedOn: false,
    conversationExists: true,
    customerName: 'Lena Brandt',
    utcOffsetMinutes: 60,
    sentence: "I'll get back to you by Friday.",
    whenText: 'by Friday',
    promisedAt: at('2026-11-03T15:00:00Z'),
  };

  it('reminds of a promise at its time unless it was dismissed or the conversation moved on', () => {
    expect(decidePromiseReminder(promise, at('2026-11-06T07:59:00Z'))).toMatchObject({ act: 'not_yet' });
    expect(decidePromiseReminder(promise, at('2026-11-06T08:00:00Z'))).toEqual({
      act: 'draft',
      dueAt: at('2026-11-06T08:00:00Z'),
      reason:
        'We wrote to Lena Brandt on 2026-11-03: "I\'ll get back to you by Friday." (by Friday: Fri 6 Nov 2026, 09:00 their time, UTC+01:00), and the conversation has not moved on since.',
    });
    expect(decidePromiseReminder({ ...promise, movedOn: true }, at('2026-11-06T08:00:00Z'))).toEqual({ act: 'skip', why: 'the conversation moved on since the promise' });
    expect(decidePromiseReminder({ ...promise, dismissed: true }, at('2026-11-06T08:00:00Z'))).toMatchObject({ act: 'skip' });
    expect(decidePromiseReminder({ ...promise, openDraft: true }, at('2026-11-06T08:00:00Z'))).toMatchObject({ act: 'wait' });
    expect(decidePromiseReminder(promise, at('2026-11-14T08:00:00Z'))).toMatchObject({ act: 'skip' });
  });

  it('brings a reminder back as a draft, or as a note when a draft cannot be made', () => {
    const reminder = {
      dueAt: at('2026-11-10T09:00:00Z'),
      conversationExists: true,
      hasCustomer: true,
      openDraft: false,
      doNotFollowUp: false,
      pendingFollowup: false,
      setBy: 'Sam Reyes',
      setAt: at('2026-11-02T10:00:00Z'),
      note: 'Ask whether it fitted',
    };
    const now = at('2026-11-10T09:00:00Z');
    expect(decideReminder(reminder, at('2026-11-10T08:59:00Z'))).toMatchObject({ act: 'not_yet' });
    expect(decideReminder(reminder, now)).toEqual({ act: 'draft', dueAt: now, reason: 'Reminder from Sam Reyes, set on 2026-11-02: Ask whether it fitted' });
    expect(decideReminder({ ...reminder, openDraft: true, note: null }, now)).toEqual({
      act: 'note',
      reason: 'Reminder from Sam Reyes, set on 2026-11-02.',
      why: 'its open draft is back in the queue',
    });
    expect(decideReminder({ ...reminder, doNotFollowUp: true }, now)).toMatchObject({ act: 'note' });
    expect(decideReminder({ ...reminder, hasCustomer: false }, now)).toMatchObject({ act: 'note' });
    expect(decideReminder({ ...reminder, conversationExists: false }, now)).toMatchObject({ act: 'skip' });
  });

  it('closes the loop when the path is clear, however long that takes, never for "do not follow up"', () => {
    const facts = { ...blockers, doNotFollowUp: false, conversationExists: true, label: 'CSV export', customerName: 'Jonas Berg', words: 'Any chance of a CSV export?' };
    const shipped = at('2026-11-20T10:00:00Z');
    expect(decideCloseTheLoop(facts, shipped, shipped)).toEqual({
      act: 'draft',
      dueAt: shipped,
      reason: '"CSV export" shipped; Jonas Berg asked for it: "Any chance of a CSV export?".',
    });
    expect(decideCloseTheLoop({ ...facts, pendingFollowup: true }, shipped, shipped)).toMatchObject({ act: 'wait' });
    expect(decideCloseTheLoop(facts, shipped, at('2027-01-20T10:00:00Z'))).toMatchObject({ act: 'draft' });
    expect(decideCloseTheLoop({ ...facts, doNotFollowUp: true }, shipped, shipped)).toMatchObject({ act: 'skip' });
  });
});

describe('their own words', () => {
  it('finds the sentence of theirs that names the request, else the gist of their first message', () => {
    const texts = ['Hi Dana,\n\nThe pan is great. A CSV export of my orders would help a lot, my accountant wants one. Thanks!'];
    expect(theirWords(texts, 'wants: CSV export')).toBe('A CSV export of my orders would help a lot, my accountant wants one.');
    expect(theirWords(['Could I download my invoices as a spreadsheet?'], 'exporting invoices')).toBe('Could I download my invoices as a spreadsheet?');
    expect(theirWords(['Hello!\n\nDo you sell gift cards?\n\nAnna'], 'wants: vouchers')).toBe('Do you sell gift cards?');
  });
});

describe('what the check-in asks about', () => {
  const cracked = { subject: 'Cracked lid', theirs: ['Hi Dana,\n\nThe glass lid of my stock pot arrived cracked. Can you send a new one?\n\nThanks, Pat'] };

  it('is the line of our answer about the problem they wrote about, not a greeting beside it', () => {
    const ours = 'Hi Pat,\n\nHappy belated birthday!\n\nI am sorry about the lid: a new glass lid is on its way and should arrive by Friday.\n\nDana';
    expect(whatWeSolved({ ...cracked, ours })).toBe('I am sorry about the lid: a new glass lid is on its way and should arrive by Friday.');
    expect(whatWeSolved({ ...cracked, ours: 'Hi Pat,\n\nGood news. We posted a replacement for the cracked one today. Enjoy the weekend!\n\nDana' })).toBe(
      'We posted a replacement for the cracked one today.',
    );
    // The subject names the problem too: "CSV export" with their words saying little.
    expect(
      whatWeSolved({
        subject: 'CSV export',
        theirs: ['Hello, a question about that.'],
        ours: 'Hi Maria,\n\nThanks for writing! Go to Settings, then Export, and pick CSV.\n\nDana',
      }),
    ).toBe('Go to Settings, then Export, and pick CSV.');
  });

  it('is nothing when no line of ours is about their problem: the scaffold then asks in general words', () => {
    expect(whatWeSolved({ ...cracked, ours: 'Hi Pat,\n\nHappy belated birthday!\n\nAll sorted now, have a lovely week.\n\nDana' })).toBeNull();
    expect(whatWeSolved({ ...cracked, ours: '' })).toBeNull();
    // Their name and ours are no topic: "Hi Dana" and "Dana" do not make the sign-off about the lid.
    expect(whatWeSolved({ subject: 'Hello', theirs: ['Hi Dana, Pat here.'], ours: 'Hi Pat,\n\nThank you, Pat!\n\nDana' })).toBeNull();
  });
});
