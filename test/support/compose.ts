/** A raw RFC 5322 message for tests: the headers threading reads, and a plain-text body. */
export interface Composed {
  id: string;
  from: string;
  to?: string;
  subject: string;
  date: string;
  body: string;
  inReplyTo?: string;
  references?: string[];
  headers?: string[];
}

export function compose(m: Composed): Buffer {
  return Buffer.from(
    [
      `From: ${m.from}`,
      `To: ${m.to ?? 'support@fernhill.example'}`,
      `Subject: ${m.subject}`,
      `Date: ${m.date}`,
      `Message-ID: <${m.id}>`,
      ...(m.inReplyTo ? [`In-Reply-To: <${m.inReplyTo}>`] : []),
      ...(m.references?.length ? [`References: ${m.references.map((r) => `<${r}>`).join(' ')}`] : []),
      ...(m.headers ?? []),
      'Content-Type: text/plain; charset=utf-8',
      '',
      m.body,
      '',
    ].join('\r\n'),
  );
}
