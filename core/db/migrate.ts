import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as initial from './migrations/0001-initial.ts';
import * as syncHealth from './migrations/0002-sync-health.ts';
import * as conversationsCustomers from './migrations/0003-conversations-customers.ts';
import * as reviewAndBounces from './migrations/0004-review-and-bounces.ts';
import * as followups from './migrations/0005-followups.ts';
import * as draftPresence from './migrations/0006-draft-presence.ts';
import * as signinAttempts from './migrations/0007-signin-attempts.ts';
import * as messagesByDate from './migrations/0008-messages-by-date.ts';
import * as oauthMailboxes from './migrations/0009-oauth-mailboxes.ts';
import * as draftSender from './migrations/0010-draft-sender-and-revision-recipients.ts';
import * as locationEmailIds from './migrations/0011-location-email-ids.ts';
import * as draftAttachments from './migrations/0012-draft-attachments.ts';
import * as snippets from './migrations/0013-snippets.ts';
import * as people from './migrations/0014-people.ts';
import * as intakeIds from './migrations/0016-intake-ids.ts';
import * as compressedSources from './migrations/0017-compressed-sources.ts';

/** Migrations are listed here, in order, so they ship inside the code and need no file-system scan. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-sync-health': syncHealth,
  '0003-conversations-customers': conversationsCustomers,
  '0004-review-and-bounces': reviewAndBounces,
  '0005-followups': followups,
  '0006-draft-presence': draftPresence,
  '0007-signin-attempts': signinAttempts,
  '0008-messages-by-date': messagesByDate,
  '0009-oauth-mailboxes': oauthMailboxes,
  '0010-draft-sender-and-revision-recipients': draftSender,
  '0011-location-email-ids': locationEmailIds,
  '0012-draft-attachments': draftAttachments,
  '0013-snippets': snippets,
  '0014-people': people,
  '0016-intake-ids': intakeIds,
  '0017-compressed-sources': compressedSources,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Brings the schema up to date; returns the names applied now. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'schema_migrations', migrationLockTableName: 'schema_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
