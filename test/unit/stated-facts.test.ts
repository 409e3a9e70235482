import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { withoutGreeting } from '../../core/customers/card.ts';
import type { DB } from '../../core/db/schema.ts';
import { quietFor, writingSince, writtenWhen } from '../../core/drafts/dates-in-words.ts';
import { TemplateLibrary } from '../../core/drafts/templates.ts';
import { askedOn, theirPoint, theirWords } from '../../core/followups/their-words.ts';

const NOW = new Date('2026-12-03T10:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

/** Every fact a template states about a customer's history, against a real history. */
describe('facts in a reply', () => {
  describe('how long we have been writing', () => {
    it('says nothing to a customer who first wrote a week ago, or a few weeks ago', () => {
      expect(writingSince(daysAgo(7), NOW)).toBeNull();
      expect(writingSince(daysAgo(2), NOW)).toBeNull();
      expect(writingSince(daysAgo(40), NOW)).toBeNull();
      expect(writingSince(null, NOW)).toBeNull();
    });

    it('names the month of the first mail, with the year only when it was another year', () => {
      expect(writingSince(new Date('2026-08-14T09:00:00Z'), NOW)).toBe('since August');
      expect(writingSince(new Date('2025-12-20T09:00:00Z'), NOW)).toBe('since December 2025');
      expect(writingSince(new Date('2025-03-02T09:00:00Z'), NOW)).toBe('since March 2025');
    });

    it('counts the years for a customer of two years and more', () => {
      expect(writingSince(new Date('2024-11-20T09:00:00Z'), NOW)).toBe('for over two years');
      expect(writingSince(new Date('2024-12-10T09:00:00Z'), NOW)).toBe('since December 2024');
      expect(writingSince(new Date('2019-06-01T09:00:00Z'), NOW)).toBe('for over seven years');
      expect(writingSince(new Date('2011-06-01T09:00:00Z'), NOW)).toBe('for over 15 years');
    });

    it('never states a first mail in the future', () => {
      expect(writingSince(new Date('2027-01-01T00:00:00Z'), NOW)).toBeNull();
    });
  });

  describe('how long since we last wrote', () => {
    it('says nothing when we wrote them in the last weeks, or never', () => {
      expect(quietFor(daysAgo(1), NOW)).toBeNull();
      expect(quietFor(daysAgo(20), NOW)).toBeNull();
      expect(quietFor(null, NOW)).toBeNull();
    });

    it('says weeks, months or years as a person would', () => {
      expect(quietFor(daysAgo(35), NOW)).toBe('a few weeks');
      expect(quietFor(daysAgo(91), NOW)).toBe('a few months');
      expect(quietFor(new Date('2025-10-01T00:00:00Z'), NOW)).toBe('over a year');
      expect(quietFor(new Date('2023-10-01T00:00:00Z'), NOW)).toBe('over three years');
    });
  });

  describe('when they wrote', () => {
    it('names the month of a request of 14 October in December', () => {
      expect(writtenWhen(new Date('2026-10-14T09:00:00Z'), NOW)).toBe('in October');
    });

    it('says earlier this month for this month, and the year for another year', () => {
      expect(writtenWhen(new Date('2026-12-01T09:00:00Z'), NOW)).toBe('earlier this month');
      expect(writtenWhen(new Date('2025-10-14T09:00:00Z'), NOW)).toBe('in October 2025');
    });
  });

  describe('when they asked for something', () => {
    const messages = [
      { date: new Date('2026-10-14T09:00:00Z'), text: 'Hi,\n\nAny chance of exporting my order history as CSV? Our accountant keeps asking.' },
      { date: new Date('2026-11-02T09:00:00Z'), text: 'Thanks for the quick answer!' },
    ];

    it('is the date of the mail their words come from, not when someone tagged it', () => {
      expect(askedOn(['Any chance of exporting my order history as CSV?'], messages)).toEqual(new Date('2026-10-14T09:00:00Z'));
      expect(askedOn(['Thanks for the quick answer!'], messages)).toEqual(new Date('2026-11-02T09:00:00Z'));
    });

    it('falls back to their first mail when the words were typed by staff, and to nothing without mail', () => {
      expect(askedOn(['wants a CSV export for the accountant'], messages)).toEqual(new Date('2026-10-14T09:00:00Z'));
      expect(askedOn(['anything'], [])).toBeNull();
    });
  });

  describe('their words', () => {
    it('never starts a quote with their greeting', () => {
      expect(withoutGreeting('Hi team, The pan warped after two uses.')).toBe('The pan warped after two uses.');
      expect(withoutGreeting('Hi,\n\ni would love a CSV export.')).toBe('I would love a CSV export.');
      expect(withoutGreeting('Bonjour! We do our books in a spreadsheet.')).toBe('We do our books in a spreadsheet.');
      expect(withoutGreeting('Hallo zusammen,\nwann kommt meine Lieferung?')).toBe('Wann kommt meine Lieferung?');
      expect(withoutGreeting('Hello!')).toBe('');
      expect(withoutGreeting('Heyday pans are great, is the 28 cm one back?')).toBe('Heyday pans are great, is the 28 cm one back?');
      expect(theirWords(['Hi, I would love to download orders to CSV for my bookkeeping.'], 'CSV export')).toBe('I would love to download orders to CSV for my bookkeeping.');
      expect(theirWords(['Hello Dana,\n\nThanks again.'], 'CSV export')).toBe('Thanks again.');
    });

    it('finds the sentence that says what went wrong, without the greeting', () => {
      const complaint = 'Hi team,\n\nI ordered the 28 cm pan last month. It arrived with a crack in the handle and I am really disappointed.\n\nThanks,\nPat';
      expect(theirPoint(complaint)).toBe('It arrived with a crack in the handle and I am really disappointed.');
      expect(theirPoint('Hi team, the lid does not fit.')).toBe('The lid does not fit.');
      expect(theirPoint('Hello!')).toBe('');
    });
  });

  describe('the shipped templates', () => {
    const library = new TemplateLibrary({ selectFrom: () => ({ select: () => ({ execute: async () => [] }) }) } as unknown as Kysely<DB>);
    const context = (customer: Record<string, unknown>, message = 'Hi team,\n\nThe pan warped after two uses. Really disappointed.\n\nPat') => ({
      customer: { name: 'Pat Doe', firstName: 'Pat', previousTopics: ['Lid size'], ...customer },
      message: { subject: 'Warped pan', text: message, point: theirPoint(message) },
      conversation: { subject: 'Warped pan' },
    });

    it('tells a customer of a week nothing about how long we have been writing, and one of two years how long', async () => {
      const week = await library.render('replies/returning-customer', context({ since: daysAgo(7), writingSince: writingSince(daysAgo(7), NOW) }));
      expect(week.body).toMatch(/^Hi Pat,\n\nGood to hear from you again\. \[\[/);
      const years = await library.render(
        'replies/returning-customer',
        context({ since: new Date('2024-10-01T00:00:00Z'), writingSince: writingSince(new Date('2024-10-01T00:00:00Z'), NOW) }),
      );
      expect(years.body).toContain("Good to hear from you again (we've been writing for over two years).");
    });

    it('does not quote the complaint they will find quoted below the reply, and names their point without the greeting', async () => {
      const { body } = await library.render('replies/complaint', context({}));
      expect(body).not.toContain('>');
      expect(body).not.toContain('Hi team');
      expect(body.split('The pan warped after two uses.')).toHaveLength(2);
      expect(body).toContain('[[say plainly what went wrong and that it\'s on us, in your own words: "The pan warped after two uses. Really disappointed."]]');
    });

    it('says how long it has been in a keep-in-touch note only when it has been a while', async () => {
      const months = await library.render('replies/keep-in-touch', { ...context({}), quietFor: quietFor(daysAgo(91), NOW) });
      expect(months.body).toMatch(/^Hi Pat,\n\nIt's been a few months since we last wrote\. \[\[/);
      const recent = await library.render('replies/keep-in-touch', { ...context({}), quietFor: quietFor(daysAgo(3), NOW) });
      expect(recent.body).toMatch(/^Hi Pat,\n\n\[\[a genuine reason/);
    });

    it('keeps monthYear for team templates: the month and year of the date given, in UTC', async () => {
      const { body } = await library.render(
        'replies/mine',
        { customer: { since: new Date('2025-03-31T23:30:00Z') } },
        'Since {{monthYear customer.since}}.{{monthYear customer.nothing}}',
      );
      expect(body).toBe('Since March 2025.\n');
    });

    it('names the month of the request in a close-the-loop note', async () => {
      const { body } = await library.render('replies/close-the-loop', {
        ...context({}),
        followup: { label: 'CSV export', words: 'Any chance of exporting my order history as CSV?', askedWhen: writtenWhen(new Date('2026-10-14T09:00:00Z'), NOW) },
      });
      expect(body).toContain('You wrote to us in October:\n> Any chance of exporting my order history as CSV?');
    });
  });
});
