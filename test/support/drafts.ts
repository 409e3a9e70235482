import type { Ctx } from '../../core/context.ts';
import type { User } from '../../core/db/schema.ts';
import { prepareReplyDraft } from '../../core/drafts/drafter.ts';
import { approveDraft, editDraft } from '../../core/drafts/drafts.ts';
import { ingestMessage } from '../../core/intake/intake.ts';
import { noJobs } from '../../core/jobs.ts';

/** A customer's question stored through the real ingest path, its draft prepared and written by a person. */
export async function writtenDraft(ctx: Ctx, mailboxId: number, author: User, i: number, to = 'support@fernhill.example'): Promise<number> {
  const source = Buffer.from(
    `From: Customer ${i} <customer${i}@shop${i % 7}.example>\r\nTo: ${to}\r\nSubject: Question ${i} about my order\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <question-${i}-${Date.now()}@shop${i % 7}.example>\r\n\r\nWhere is order ${i}?\r\n`,
  );
  // Without queues: the draft is made here, not raced for by a draft worker.
  const quiet = { ...ctx, jobs: noJobs };
  const { conversationId } = await ingestMessage(quiet, { source, origin: 'imap', mailboxId, historical: false });
  const outcome = await prepareReplyDraft(quiet, conversationId);
  if (!outcome.drafted) throw new Error(`no draft: ${outcome.reason}`);
  await editDraft(ctx, outcome.draftId, { body: `Hello,\n\nOrder ${i} left our warehouse this morning; it should be with you on Thursday.\n\nDana` }, author);
  return outcome.draftId;
}

/** Several drafts written and approved. */
export async function approvedDrafts(ctx: Ctx, mailboxId: number, author: User, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const id = await writtenDraft(ctx, mailboxId, author, i);
    await approveDraft(ctx, id, author);
    ids.push(id);
  }
  return ids;
}
