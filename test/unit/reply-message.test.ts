import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildReply, type ReplyParts } from '../../core/outbox/reply-message.ts';

const ASKED = 'Hi team,\n\nIt would be great to export my orders as a CSV file for my accountant.\n\nThanks, Ola';

const parts = (body: string): ReplyParts => ({
  messageId: 'r1@fernhill.example',
  date: new Date('2026-12-03T10:00:00Z'),
  from: { name: 'Sam at Fernhill', address: 'help@fernhill.example' },
  to: [{ name: 'Ola Nordmann', address: 'ola@nordmann.example' }],
  cc: [],
  subject: 'Re: CSV export',
  body,
  signature: 'Sam',
  answering: {
    messageId: 'q1@nordmann.example',
    references: [],
    date: new Date('2026-10-14T09:00:00Z'),
    fromName: 'Ola Nordmann',
    fromAddress: 'ola@nordmann.example',
    text: ASKED,
  },
});

const count = (text: string, part: string) => text.split(part).length - 1;

describe('the reply as sent never quotes the same words twice', () => {
  it('quotes the message below a reply that does not quote it', async () => {
    const mail = await simpleParser(await buildReply(parts('Hi Ola,\n\nYes, that is coming in the spring.')));
    expect(mail.text).toContain('ola@nordmann.example> wrote:');
    expect(count(mail.text!, 'export my orders as a CSV file')).toBe(1);
    expect(count(mail.html as string, 'export my orders as a CSV file')).toBe(1);
    expect(mail.inReplyTo).toBe('<q1@nordmann.example>');
  });

  it('leaves the quote below out when the words already quote the message, and still threads', async () => {
    const body = 'Hi Ola,\n\nYou wrote to us in October:\n> It would be great to export my orders as a CSV file for my accountant.\n\nIt is here now: Orders, then Export.';
    const mail = await simpleParser(await buildReply(parts(body)));
    expect(count(mail.text!, 'export my orders as a CSV file')).toBe(1);
    expect(count(mail.html as string, 'export my orders as a CSV file')).toBe(1);
    expect(mail.text).not.toContain('wrote:\n>');
    expect(mail.inReplyTo).toBe('<q1@nordmann.example>');
  });

  it('still quotes below when a quoted line of ours is not from their message', async () => {
    const body = 'Hi Ola,\n\nOur docs say:\n> Exports are listed under Orders in the menu.\n\nSam';
    const mail = await simpleParser(await buildReply(parts(body)));
    expect(count(mail.text!, 'export my orders as a CSV file')).toBe(1);
    expect(mail.text).toContain('ola@nordmann.example> wrote:');
  });
});
