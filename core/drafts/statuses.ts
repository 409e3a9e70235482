import type { DraftStatus } from '../db/schema.ts';

/** Every status a draft can have, in the order a draft usually passes through them. */
export const DRAFT_STATUSES: readonly DraftStatus[] = ['pending', 'approved', 'sending', 'sent', 'failed', 'uncertain', 'discarded'];

/** A conversation's one reply in progress: exactly the statuses the unique index drafts_one_open covers. */
export const OPEN_DRAFT_STATUSES: readonly DraftStatus[] = ['pending', 'approved', 'sending'];

/** Not settled yet: open, or a send that failed or may not have gone out, which someone still has to resolve. */
export const UNSETTLED_DRAFT_STATUSES: readonly DraftStatus[] = [...OPEN_DRAFT_STATUSES, 'uncertain', 'failed'];

/** Not handed to the sender yet, so a customer's new mail can still change them: the review queue's drafts. */
export const QUEUED_DRAFT_STATUSES: readonly DraftStatus[] = ['pending', 'approved'];

/** Only a pending draft may be edited: approving one fixes the words that go out. */
export const EDITABLE_DRAFT_STATUSES: readonly DraftStatus[] = ['pending'];
