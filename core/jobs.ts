/**
 * What the domain asks the queue to do later. Workers implement it with BullMQ; the domain never sees a job.
 * Every call is idempotent: asking twice for the same thing schedules it once.
 */
export interface JobScheduler {
  draftRequested(conversationId: number, messageId: number): Promise<void>;
  sendApproved(outboxId: number, sendAfter: Date): Promise<void>;
  sendCancelled(outboxId: number): Promise<void>;
}

/** For tools that run the domain without queues (import in a one-off command, tests of pure flows). */
export const noJobs: JobScheduler = {
  draftRequested: async () => {},
  sendApproved: async () => {},
  sendCancelled: async () => {},
};
