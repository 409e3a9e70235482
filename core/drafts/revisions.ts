import type { Ctx } from '../context.ts';
import type { AddressJson, Draft, User } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import { editDraft, getDraft } from './drafts.ts';

export interface DraftRevision {
  id: number;
  author: string | null;
  at: Date;
  subject: string;
  body: string;
  /** Null for a version saved before recipients were kept. */
  to: AddressJson[] | null;
  cc: AddressJson[] | null;
  /** What this version changed from the one before, in words a person can scan. */
  change: string;
}

interface Version {
  subject: string;
  body: string;
  to: AddressJson[] | null;
  cc: AddressJson[] | null;
}

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];

/** "added kim@x (Cc), removed ole@y (To)": who a version added or took off, field by field. */
function recipientChanges(before: Version, after: Version): string[] {
  const changes: string[] = [];
  for (const [field, label] of [
    ['to', 'To'],
    ['cc', 'Cc'],
  ] as const) {
    const was = before[field];
    const now = after[field];
    if (!was || !now) continue;
    const key = (list: AddressJson[]) => new Set(list.map((a) => a.address.toLowerCase()));
    const [wasKeys, nowKeys] = [key(was), key(now)];
    for (const a of was) if (!nowKeys.has(a.address.toLowerCase())) changes.push(`removed ${a.address} (${label})`);
    for (const a of now) if (!wasKeys.has(a.address.toLowerCase())) changes.push(`added ${a.address} (${label})`);
  }
  return changes;
}

/** "+12 words, −3 words, new subject, added kim@x (Cc)": what changed between two versions, words counted as bags. */
export function describeChange(before: Version | null, after: Version): string {
  if (!before) return 'first version';
  const counts = new Map<string, number>();
  for (const w of words(before.body)) counts.set(w, (counts.get(w) ?? 0) + 1);
  let added = 0;
  for (const w of words(after.body)) {
    const n = counts.get(w) ?? 0;
    if (n > 0) counts.set(w, n - 1);
    else added++;
  }
  const removed = [...counts.values()].reduce((a, b) => a + b, 0);
  const parts = [
    ...(added ? [`+${added} ${added === 1 ? 'word' : 'words'}`] : []),
    ...(removed ? [`−${removed} ${removed === 1 ? 'word' : 'words'}`] : []),
    ...(before.subject !== after.subject ? ['new subject'] : []),
    ...recipientChanges(before, after),
  ];
  return parts.length ? parts.join(', ') : before.body === after.body ? 'no change' : 'reworded';
}

/** Every saved version of a draft, newest first, with who saved it and what it changed. */
export async function draftRevisions(ctx: Ctx, draftId: number): Promise<DraftRevision[]> {
  await getDraft(ctx, draftId);
  const rows = await ctx.db
    .selectFrom('draft_revisions as r')
    .leftJoin('users as u', 'u.id', 'r.author_id')
    .select(['r.id', 'r.subject', 'r.body', 'r.to', 'r.cc', 'r.created_at', 'u.name'])
    .where('r.draft_id', '=', draftId)
    .orderBy('r.id')
    .execute();
  return rows
    .map((r, i) => ({ id: r.id, author: r.name, at: r.created_at, subject: r.subject, body: r.body, to: r.to, cc: r.cc, change: describeChange(rows[i - 1] ?? null, r) }))
    .reverse();
}

/** Puts an earlier version back as a new edit, so the history keeps both and nothing is lost. */
export async function restoreRevision(ctx: Ctx, draftId: number, revisionId: number, actor: User, baseVersion?: number): Promise<Draft> {
  const revision = await ctx.db
    .selectFrom('draft_revisions')
    .select(['subject', 'body', 'to', 'cc'])
    .where('id', '=', revisionId)
    .where('draft_id', '=', draftId)
    .executeTakeFirst();
  if (!revision) throw new NotFoundError('Draft version', revisionId);
  // A version saved before recipients were kept leaves today's recipients as they are.
  const recipients = revision.to && revision.cc ? { to: revision.to, cc: revision.cc } : {};
  return editDraft(
    ctx,
    draftId,
    { subject: revision.subject, body: revision.body, ...recipients, newRevision: true, ...(baseVersion !== undefined ? { baseVersion } : {}) },
    actor,
  );
}
