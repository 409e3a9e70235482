import { describe, expect, it } from 'vitest';
import { whyNotMail } from '../../core/mail/mail-check.ts';

const mail = (s: string) => Buffer.from(s.replace(/\n/g, '\r\n'));

describe('whyNotMail', () => {
  it('accepts a message with a header block naming From, Date or Message-ID', () => {
    expect(whyNotMail(mail('From: a@b.example\nSubject: hi\n\nbody\n'))).toBeNull();
    expect(whyNotMail(mail('Received: from x\n by y\nbroken header line\nMessage-ID: <1@b>\n\n'))).toBeNull();
    expect(whyNotMail(Buffer.from('date: Mon, 3 Aug 2026 09:14:22 +0100\nsubject: headers only, LF endings'))).toBeNull();
  });

  it('refuses text without a header block', () => {
    expect(whyNotMail(Buffer.from('myhost\n'))).toBe('it has no mail header block');
    expect(whyNotMail(Buffer.from('Dear team: hello\n'))).toBe('it has no mail header block');
  });

  it('refuses binary data', () => {
    expect(whyNotMail(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]))).toBe('it has no mail header block');
    expect(whyNotMail(Buffer.from('From: a@b.example\0\n\n'))).toBe('it has no mail header block');
  });

  it('refuses headers with none of From, Date or Message-ID', () => {
    expect(whyNotMail(mail('Subject: hi\nX-Thing: y\n\nbody'))).toBe('it has none of the From, Date or Message-ID headers');
  });
});
