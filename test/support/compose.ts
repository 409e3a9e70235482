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
      ...(m.headers?.some((h) => /^content-type:/i.test(h)) ? [] : ['Content-Type: text/plain; charset=utf-8']),
      '',
      m.body,
      '',
    ].join('\r\n'),
  );
}

/** The same with one file attached (base64, as mail programs send them): a customer's invoice, their photo. */
export function composeWithAttachment(m: Composed & { attachment: { name: string; type: string; content: Buffer } }): Buffer {
  const boundary = 'attachment-boundary';
  const { name, type, content } = m.attachment;
  return compose({
    ...m,
    headers: [...(m.headers ?? []), 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${boundary}"`],
    body: [
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      m.body,
      `--${boundary}`,
      `Content-Type: ${type}; name="${name}"`,
      `Content-Disposition: attachment; filename="${name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      content.toString('base64').replace(/.{76}/g, '$&\r\n'),
      `--${boundary}--`,
    ].join('\r\n'),
  });
}
