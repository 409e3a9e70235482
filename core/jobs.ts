/**
 * What the domain asks the queue to do later. Workers implement it with BullMQ; the domain never sees a job.
 * Every call is idempotent: asking twice for the same thing schedules it once.
 */
export interface JobScheduler {
  /** Reply drafts for these conversations, each answering the given message. */
  draftsRequested(wanted: readonly { conversationId: number; messageId: number }[]): Promise<void>;
  sendApproved(outboxId: number, sendAfter: Date): Promise<void>;
  sendCancelled(outboxId: number): Promise<void>;
  /** A scheduled follow-up's exact time; the periodic evaluation fires it anyway if this job is lost. */
  followupDue(followupId: number, dueAt: Date): Promise<void>;
}

/** For tools that run the domain without queues (import in a one-off command, tests of pure flows). */
export const noJobs: JobScheduler = {
  draftsRequested: async () => {},
  sendApproved: async () => {},
  sendCancelled: async () => {},
  followupDue: async () => {},
};
