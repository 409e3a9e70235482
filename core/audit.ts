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

export interface AuditLine {
  id: number;
  at: Date;
  actor: string | null;
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
}

/** The newest entries first, a page at a time (`before` an entry id), for owners to read. */
export async function recentAudit(db: Kysely<DB>, o: { before?: number; limit?: number } = {}): Promise<AuditLine[]> {
  const rows = await db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.actor_user_id')
    .select(['a.id', 'a.at', 'a.action', 'a.subject_type', 'a.subject_id', 'a.details', 'u.name'])
    .$if(o.before !== undefined, (q) => q.where('a.id', '<', o.before!))
    .orderBy('a.id', 'desc')
    .limit(o.limit ?? 100)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.name,
    action: r.action,
    subject: r.subject_type ? `${r.subject_type} ${r.subject_id}` : null,
    details: r.details as Record<string, unknown>,
  }));
}
