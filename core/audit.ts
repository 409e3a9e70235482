import type { Kysely } from 'kysely';
import type { DB } from './db/schema.ts';

export interface AuditEntry {
  actorUserId: number | null;
  action: string;
  subjectType?: string;
  subjectId?: number;
  details?: Record<string, unknown>;
}

/** Appends to the audit log; pass the transaction so the entry commits with what it describes. */
export async function audit(db: Kysely<DB>, at: Date, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at,
      actor_user_id: entry.actorUserId,
      action: entry.action,
      subject_type: entry.subjectType ?? null,
      subject_id: entry.subjectId ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}
