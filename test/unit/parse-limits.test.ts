import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../core/mail/parse.ts';

describe('the message size limit of the parser', () => {
  it('reads a message over the limit from its headers only, and says so', async () => {
    const source = Buffer.from(
      `From: Big Sender <big@files.example>\r\nSubject: Scans\r\nMessage-ID: <big@files.example>\r\nContent-Type: text/plain\r\n\r\n${'all the scans '.repeat(200)}\r\n`,
    );
    const m = await parseMessage(source, { maxMessageBytes: 1024 });
    expect(m).toMatchObject({
      messageId: 'big@files.example',
      subject: 'Scans',
      from: { address: 'big@files.example', name: 'Big Sender' },
      text: '',
      html: null,
      attachments: [],
    });
    expect(m.warnings).toContain('the message (2.8 KiB) is over the limit of 1 KiB: only its headers were read, the body and attachments were skipped');
    // within the limit it is read whole
    expect((await parseMessage(source)).text).toContain('all the scans');
  });
});
