import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longhand, processEnv, startLonghand } from '../support/longhand-process.ts';
import { deleteRedisPrefix } from '../support/redis-keys.ts';
import { postgresDatabase, SmtpSink, testMailbox, uniqueName, waitUntil } from '../support/servers.ts';

/** With DATABASE_URL, the web app and the workers run as separate processes and do the whole job together. */
describe('web and worker as separate processes on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof postgresDatabase>>;
  let sink: SmtpSink;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  const running: Array<Awaited<ReturnType<typeof startLonghand>>> = [];

  beforeAll(async () => {
    database = await postgresDatabase('split');
    sink = await SmtpSink.start();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-split-'));
    const box = testMailbox('split');
    await box.append(
      'From: Lena <lena@atelier.example>\r\nTo: hello@atelier-supply.example\r\nSubject: Custom engraving\r\nMessage-ID: <engrave@atelier.example>\r\nDate: ' +
        new Date().toUTCString() +
        '\r\n\r\nCan you engrave our logo on twelve knives?\r\n',
    );
    env = processEnv(
      { dataDir, queuePrefix: uniqueName('split'), databaseUrl: database.url },
      { LONGHAND_UNDO_SECONDS: '0', LONGHAND_IMAP_URL: box.imapUrl, LONGHAND_SMTP_URL: sink.url, LONGHAND_FROM: 'hello@atelier-supply.example' },
    );
  });

  afterAll(async () => {
    for (const p of running) await p.stop();
    await sink?.close();
    await database?.drop();
    if (env) await deleteRedisPrefix(env.LONGHAND_QUEUE_PREFIX!);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('syncs, drafts and sends with the web app and the worker apart', async () => {
    expect((await longhand(['migrate'], env)).stdout).toBe('database is up to date\n');
    await longhand(['user', 'add', '--email', 'kai@atelier-supply.example', '--name', 'Kai Lund', '--role', 'owner'], env);
    const token = (await longhand(['token', 'create', '--user', 'kai@atelier-supply.example'], env)).stdout.trim();
    const web = await startLonghand(['web'], env);
    running.push(web, await startLonghand(['worker'], env));
    const api = async (method: string, p: string, body?: unknown) => {
      const res = await fetch(`${web.url}${p}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return res.json() as Promise<any>;
    };
    let drafts: any[] = [];
    await waitUntil(
      async () => {
        drafts = await api('GET', '/api/drafts?status=pending');
        return drafts.length === 1;
      },
      20_000,
      'the draft made by the worker',
    );
    const written = await api('PATCH', `/api/drafts/${drafts[0].id}`, {
      body: 'Hi Lena,\n\nYes, we can engrave your logo on all twelve. Send it as an SVG and I will mock it up first.\n\nKai',
    });
    expect((await api('POST', `/api/drafts/${drafts[0].id}/approve`, { version: written.version })).status).toMatch(/approved|sending|sent/);
    const [mail] = await sink.waitFor(1);
    expect(mail!.parsed.text).toContain('Send it as an SVG');
    expect(mail!.parsed.inReplyTo).toBe('<engrave@atelier.example>');
  });
});
