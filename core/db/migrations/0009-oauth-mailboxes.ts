import type { Kysely } from 'kysely';
import { runScript } from '../script.ts';

/**
 * Mailboxes that sign in with OAuth2 (Google, Microsoft 365, any standard provider): the refresh token
 * and the current access token are sealed like passwords; the access token lives in the database so every
 * process shares one and refreshes happen one at a time per mailbox (a row lock), never in Redis.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    alter table mailboxes add column auth text not null default 'password' check (auth in ('password', 'oauth2'));
    alter table mailboxes add column oauth jsonb;
    alter table mailboxes add column oauth_refresh_token text;
    alter table mailboxes add column oauth_client_secret text;
    alter table mailboxes add column oauth_access_token text;
    alter table mailboxes add column oauth_refresh_at timestamptz;
    alter table mailboxes add column needs_reconnect boolean not null default false;
    alter table mailboxes add column files_sent_copy boolean not null default false;
  `,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    alter table mailboxes drop column auth, drop column oauth, drop column oauth_refresh_token, drop column oauth_client_secret,
      drop column oauth_access_token, drop column oauth_refresh_at, drop column needs_reconnect, drop column files_sent_copy;
  `,
  );
}
