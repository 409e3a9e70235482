import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportThreads } from '../../core/conversations/export.ts';
import { takeIn } from '../../core/intake/intake.ts';
import { importMail } from '../../core/mail/import.ts';
import { readMbox } from '../../core/mail/mbox.ts';
import { parseMessage } from '../../core/mail/parse.ts';
import { upsertMailbox } from '../../core/mailboxes/mailboxes.ts';
import { testContext } from '../support/context.ts';

/*
 * Real public mailing-list mail (test/fixtures/threads, Apache Hadoop common-dev, February 2012; see its
 * README for source and license), imported through the real import path in several orders. The expected
 * grouping comes from a small reference implementation below, written independently of core/conversations:
 * messages that share a Message-ID (their own or one they reference, seen or not) are one thread, and so
 * are two messages of the same sender about the same subject within 30 days when one of them names no
 * parent. Some threads are also checked by hand.
 */

const FIXTURE = fileURLToPath(new URL('../fixtures/threads/hadoop-common-dev-2012-02.mbox', import.meta.url));
const LIST = 'common-dev@hadoop.apache.org';
const WINDOW_MS = 30 * 86_400_000;

interface Mail {
  source: Buffer;
  id: string;
  parents: string[];
  from: string;
  subject: string;
  date: number;
}

async function readCorpus(): Promise<Mail[]> {
  const mails: Mail[] = [];
  for await (const source of readMbox(FIXTURE)) mails.push(await describeMail(source));
  return mails;
}

async function describeMail(source: Buffer): Promise<Mail> {
  const p = await parseMessage(source);
  return {
    source,
    id: p.messageId,
    parents: [...(p.inReplyTo ? [p.inReplyTo] : []), ...p.references],
    from: p.from!.address.toLowerCase(),
    subject: referenceSubject(p.headers['thread-topic'] || p.subject),
    date: p.date!.getTime(),
  };
}

/** The reference's own subject rule: reply/forward prefixes and [tags] off, case and spacing folded. */
function referenceSubject(subject: string): string {
  return subject
    .replace(/^(?:\s*(?:(?:re|fwd?|aw|sv)\s*:|\[[^\]]*\]))+/i, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Union-find over Message-IDs and the subject rule; returns each thread's Message-IDs, sorted. */
function referenceThreads(mails: Mail[]): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    if (!parent.has(x)) parent.set(x, x);
    const p = parent.get(x)!;
    if (p === x) return x;
    const root = find(p);
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string) => parent.set(find(a), find(b));
  for (const m of mails) for (const p of m.parents) union(m.id, p);
  for (const a of mails) {
    for (const b of mails) {
      const subjectOnly = a.parents.length === 0 || b.parents.length === 0;
      if (a !== b && subjectOnly && a.from === b.from && a.subject.length >= 4 && a.subject === b.subject && Math.abs(a.date - b.date) <= WINDOW_MS) union(a.id, b.id);
    }
  }
  const groups = new Map<string, string[]>();
  for (const m of mails) groups.set(find(m.id), [...(groups.get(find(m.id)) ?? []), m.id]);
  return canonical([...groups.values()]);
}

function canonical(groups: string[][]): string[][] {
  return groups.map((g) => [...g].sort()).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/**
 * Imports the messages in this order into a fresh database and returns the conversations Longhand made: in
 * batches of `batchSize` through intake, or through `longhand import` when no size is given.
 */
async function threadIn(order: Mail[], batchSize?: number): Promise<string[][]> {
  const ctx = await testContext();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-threads-'));
  try {
    const mailbox = await upsertMailbox(ctx, {
      name: 'Hadoop',
      email: LIST,
      imap: { host: 'h', port: 1, secure: false, user: 'u', password: 'p' },
      smtp: { host: 'h', port: 1, secure: false, user: '', password: '' },
      source: 'ui',
    });
    if (batchSize) {
      for (let i = 0; i < order.length; i += batchSize) {
        const results = await takeIn(
          ctx,
          order.slice(i, i + batchSize).map((m) => ({ source: m.source, origin: 'import' as const, mailboxId: mailbox.id, historical: true })),
        );
        expect(results.filter((r) => r.duplicate)).toEqual([]);
      }
    } else {
      for (const [i, m] of order.entries()) fs.writeFileSync(path.join(dir, `${String(i).padStart(4, '0')}.eml`), m.source);
      const result = await importMail(ctx, dir, { mailboxId: mailbox.id, historical: true });
      expect(result.imported).toBe(order.length);
    }
    const groups: string[][] = [];
    for await (const line of exportThreads(ctx)) groups.push(line.messageIds);
    return canonical(groups);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await ctx.close();
  }
}

function shuffled<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Deepest replies first, so every message arrives before the messages it answers. */
function childrenFirst(mails: Mail[]): Mail[] {
  const byId = new Map(mails.map((m) => [m.id, m]));
  const depth = (m: Mail, seen = new Set<string>()): number => {
    const parent = m.parents.map((p) => byId.get(p)).find((p) => p && !seen.has(p.id));
    return parent ? 1 + depth(parent, seen.add(m.id)) : 0;
  };
  return [...mails].sort((a, b) => depth(b) - depth(a) || b.date - a.date);
}

/** The same message as a mail program that drops In-Reply-To and References would send it. */
function withoutParents(m: Mail): Buffer {
  const text = m.source.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = text.slice(0, end).replace(/^(?:In-Reply-To|References):.*(?:\r?\n[ \t].*)*(?:\r?\n|$)/gim, '');
  return Buffer.from(head + text.slice(end), 'latin1');
}

describe('threading real mailing-list mail', () => {
  let corpus: Mail[];
  let expected: string[][];
  const thread = (groups: string[][], id: string) => groups.find((g) => g.includes(id))!;

  beforeAll(async () => {
    corpus = await readCorpus();
    expected = referenceThreads(corpus);
  });

  it('reads the fixture: 79 messages, replies to messages it does not hold, subject-only posts', () => {
    expect(corpus).toHaveLength(79);
    const ids = new Set(corpus.map((m) => m.id));
    expect(corpus.filter((m) => m.parents.some((p) => !ids.has(p))).length).toBeGreaterThan(10);
    expect(corpus.filter((m) => m.parents.length === 0).length).toBeGreaterThan(30);
    expect(expected.length).toBeLessThan(corpus.length);
  });

  const orders: [string, (m: Mail[]) => Mail[]][] = [
    ['in the order they were sent', (m) => [...m].sort((a, b) => a.date - b.date)],
    ['newest first', (m) => [...m].sort((a, b) => b.date - a.date)],
    ['shuffled (seed 4)', (m) => shuffled(m, 4)],
    ['shuffled (seed 2012)', (m) => shuffled(m, 2012)],
    ['replies before the messages they answer', childrenFirst],
  ];
  it.each(orders)('groups the same way when imported %s', async (_name, order) => {
    expect(await threadIn(order(corpus))).toEqual(expected);
  });

  // A reply and its parent in one batch or in two, the subject rule inside a batch and across batches.
  it.each(orders.flatMap(([name, order]) => [1, 7, 250].map((size) => [name, size, order] as const)))(
    'groups the same way taken in %s, in batches of %i',
    async (_name, size, order) => {
      expect(await threadIn(order(corpus), size)).toEqual(expected);
    },
  );

  it('matches threads checked by hand', async () => {
    const groups = await threadIn(shuffled(corpus, 7));
    // One question, whose first message (January) is not in the file, under three subjects.
    expect(thread(groups, '1328674410.4792.YahooMailNeo@web121205.mail.ne1.yahoo.com')).toEqual([
      '1328073641.78427.YahooMailNeo@web121206.mail.ne1.yahoo.com',
      '1328246840.72176.YahooMailNeo@web121204.mail.ne1.yahoo.com',
      '1328325376.24292.YahooMailNeo@web121202.mail.ne1.yahoo.com',
      '1328492928.7909.YahooMailNeo@web121201.mail.ne1.yahoo.com',
      '1328496741.60161.YahooMailNeo@web121205.mail.ne1.yahoo.com',
      '1328674410.4792.YahooMailNeo@web121205.mail.ne1.yahoo.com',
      '4F2E2983.60002@apache.org',
      'CAOcnVr1eBdvCUHJ2nn4vH2q2vTCCmjOPGdZHBt7pog7tpbbKSA@mail.gmail.com',
    ]);
    // A question posted twice with no reference joins by subject (same sender); the answers by reference.
    expect(thread(groups, '33250805.post@talk.nabble.com')).toEqual([
      '33250801.post@talk.nabble.com',
      '33250805.post@talk.nabble.com',
      'CAOcnVr281N_zHD_BfSNBo8VivKEPT_KQnaiMM1K1mCcvac1-YQ@mail.gmail.com',
      'CB5024BC.338EF%evans@yahoo-inc.com',
    ]);
    // The same subject answering a private reply we never saw stays apart: subjects never join across senders.
    expect(thread(groups, 'CB51719B.33A2D%evans@yahoo-inc.com')).toEqual([
      'CAAUf7F5pPJZzS4s4aeVosadOEhkH49GO3DVLv=XGLpcsq8KmZQ@mail.gmail.com',
      'CB51719B.33A2D%evans@yahoo-inc.com',
    ]);
    // A JIRA issue renamed between two notifications, and two notifications answering one we never saw.
    expect(thread(groups, '1142929095.17845.1328756883620.JavaMail.tomcat@hel.zones.apache.org')).toEqual([
      '1142929095.17845.1328756883620.JavaMail.tomcat@hel.zones.apache.org',
      '740714091.13751.1328689919516.JavaMail.tomcat@hel.zones.apache.org',
    ]);
    expect(thread(groups, '398340564.12454.1328666099570.JavaMail.tomcat@hel.zones.apache.org')).toEqual([
      '398340564.12454.1328666099570.JavaMail.tomcat@hel.zones.apache.org',
      '562736736.12453.1328666099539.JavaMail.tomcat@hel.zones.apache.org',
    ]);
    // Outlook's RE: with Thread-Topic and comma-separated References.
    expect(thread(groups, 'FCA91A92EE52B041906A0358FC28FCC38F667B5E25@FRE1EXCH02.hq.exar.com')).toHaveLength(3);
  });

  it('joins replies that lost their references by subject, only to their own sender, in any order', async () => {
    const stripped = new Set([
      'CAD7nt4gPUKPO0e+=rBr8d5enapE_Jw+v6EKg+rFHMo=wfz=2bw@mail.gmail.com', // Grace's third "Re:" to her own thread
      'CAD-Ua_hMn2TSYMwj_d1YB8-ugzDgCD-=HRkMUpZ6QwQeeNzh3Q@mail.gmail.com', // Lars thanking in his own thread
      'CAGpTDNeCu3fkt4QL=2eWEitfqd+DS4AGUpucpoJ3APjJD4FPGg@mail.gmail.com', // J-D answering Ian: another sender
    ]);
    const variant = await Promise.all(corpus.map((m) => (stripped.has(m.id) ? describeMail(withoutParents(m)) : m)));
    expect(variant.filter((m) => stripped.has(m.id)).every((m) => m.parents.length === 0)).toBe(true);
    const want = referenceThreads(variant);
    for (const order of [[...variant].sort((a, b) => a.date - b.date), [...variant].sort((a, b) => b.date - a.date), shuffled(variant, 11)]) {
      expect(await threadIn(order)).toEqual(want);
    }
    expect(thread(want, 'CAD7nt4gPUKPO0e+=rBr8d5enapE_Jw+v6EKg+rFHMo=wfz=2bw@mail.gmail.com')).toHaveLength(3);
    expect(thread(want, 'CAD-Ua_hMn2TSYMwj_d1YB8-ugzDgCD-=HRkMUpZ6QwQeeNzh3Q@mail.gmail.com')).toHaveLength(3);
    expect(thread(want, 'CAGpTDNeCu3fkt4QL=2eWEitfqd+DS4AGUpucpoJ3APjJD4FPGg@mail.gmail.com')).toEqual(['CAGpTDNeCu3fkt4QL=2eWEitfqd+DS4AGUpucpoJ3APjJD4FPGg@mail.gmail.com']);
  });
});
