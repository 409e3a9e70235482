import type { Ctx } from '../context.ts';
import type { Draft, User } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import { editDraft, getDraft } from './drafts.ts';

export interface DraftRevision {
  id: number;
  author: string | null;
  at: Date;
  subject: string;
  body: string;
  /** What this version changed from the one before, in words a person can scan. */
  change: string;
}

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];

/** "+12 words, −3 words, new subject": what changed between two versions, counted as bags of words. */
export function describeChange(before: { subject: string; body: string } | null, after: { subject: string; body: string }): string {
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
  const parts = [...(added ? [`+${added} ${added === 1 ? 'word' : 'words'}`] : []), ...(removed ? [`−${removed} ${removed === 1 ? 'word' : 'words'}`] : []), ...(before.subject !== after.subject ? ['new subject'] : [])];
  return parts.length ? parts.join(', ') : before.body === after.body ? 'no change' : 'reworded';
}

/** Every saved version of a draft, newest first, with who saved it and what it changed. */
export async function draftRevisions(ctx: Ctx, draftId: number): Promise<DraftRevision[]> {
  await getDraft(ctx, draftId);
  const rows = await ctx.db
    .selectFrom('draft_revisions as r')
    .leftJoin('users as u', 'u.id', 'r.author_id')
    .select(['r.id', 'r.subject', 'r.body', 'r.created_at', 'u.name'])
    .where('r.draft_id', '=', draftId)
    .orderBy('r.id')
    .execute();
  return rows.map((r, i) => ({ id: r.id, author: r.name, at: r.created_at, subject: r.subject, body: r.body, change: describeChange(rows[i - 1] ?? null, r) })).reverse();
}

/** Puts an earlier version back as a new edit, so the history keeps both and nothing is lost. */
export async function restoreRevision(ctx: Ctx, draftId: number, revisionId: number, actor: User, baseVersion?: number): Promise<Draft> {
  const revision = await ctx.db.selectFrom('draft_revisions').select(['subject', 'body']).where('id', '=', revisionId).where('draft_id', '=', draftId).executeTakeFirst();
  if (!revision) throw new NotFoundError('Draft version', revisionId);
  return editDraft(ctx, draftId, { subject: revision.subject, body: revision.body, newRevision: true, ...(baseVersion !== undefined ? { baseVersion } : {}) }, actor);
}
