import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { loadConfig } from '../../core/config.ts';
import type { Ctx } from '../../core/context.ts';
import { type Database, openPostgres } from '../../core/db/database.ts';
import { migrateToLatest } from '../../core/db/migrate.ts';
import { inThisThread } from '../../core/intake/preparer.ts';
import { noJobs } from '../../core/jobs.ts';
import { createLogger } from '../../core/logger.ts';
import { upsertMailbox } from '../../core/mailboxes/mailboxes.ts';
import { accessToken } from '../../core/mailboxes/oauth-tokens.ts';
import { createSecretBox } from '../../core/secrets.ts';
import { OAuthTestServer } from '../support/oauth-server.ts';
import { postgresDatabase } from '../support/servers.ts';

/** Two workers (two connection pools on one PostgreSQL database) need a fresh token for the same mailbox at once. */
describe("refreshing one mailbox's token from two workers", () => {
  const clock = new ManualClock(new Date());
  const key = randomBytes(32);
  let oauth: OAuthTestServer;
  let pg: Awaited<ReturnType<typeof postgresDatabase>>;
  const databases: Database[] = [];
  let workers: Ctx[];

  beforeAll(async () => {
    oauth = await OAuthTestServer.start({ clock, accessTokenSeconds: 5, rotateRefreshTokens: true });
    oauth.registerClient('race-client', 'race-secret', []);
    pg = await postgresDatabase('oauthrace');
    for (let i = 0; i < 2; i++) databases.push(await openPostgres(pg.url));
    await migrateToLatest(databases[0]!.db);
    const config = loadConfig({ LONGHAND_DATA_DIR: '/tmp/longhand-test-unused', DATABASE_URL: pg.url, LONGHAND_SECRET: 'race-secret-race-secret-race-secret-12' });
    workers = databases.map((d) => ({ db: d.db, config, clock, log: createLogger('silent'), secrets: createSecretBox(key), jobs: noJobs, preparer: inThisThread }));
  });

  afterAll(async () => {
    for (const d of databases) await d.close();
    await pg?.drop();
    await oauth?.close();
  });

  it('asks the provider once per expiry, never presents a rotated refresh token twice, and both get the same token', async () => {
    const mailbox = await upsertMailbox(workers[0]!, {
      name: 'Race',
      email: 'race@shop.example',
      imap: { host: '127.0.0.1', port: 1, secure: false, user: 'race', password: '' },
      smtp: { host: '127.0.0.1', port: 1, secure: false, user: 'race', password: '' },
      source: 'ui',
      oauth: {
        grant: { provider: 'custom', clientId: 'race-client', tokenUrl: oauth.tokenUrl, scope: '', consentedBy: null, consentedAt: clock.now().toISOString() },
        tokens: { accessToken: oauth.issueAccessToken('race'), refreshToken: oauth.issueRefreshToken('race-client', 'race'), expiresInSeconds: 5 },
        clientSecret: 'race-secret',
      },
    });
    for (let round = 1; round <= 5; round++) {
      clock.advance(6_000);
      const [a, b] = await Promise.all(workers.map((w) => accessToken(w, mailbox.id)));
      expect(a).toBe(b);
      expect(oauth.verifyAccessToken(a!).active).toBe(true);
      expect(oauth.stats.refreshes).toBe(round);
    }
    expect(new Set(oauth.stats.refreshTokensUsed).size).toBe(5);
    const row = await workers[1]!.db.selectFrom('mailboxes').select('needs_reconnect').where('id', '=', mailbox.id).executeTakeFirstOrThrow();
    expect(row.needs_reconnect).toBe(false);
  });
});
