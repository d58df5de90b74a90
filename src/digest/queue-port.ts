// The queue operations the digest folder needs, declared here by the
// consumer (as subscriptions/deps.ts does), so this folder never imports
// bullmq or src/jobs: src/jobs implements them and the composition root
// (src/context.ts) hands them in.

/** The planning run a trigger started, or joined when one for the period was already waiting or running. */
export interface PlanRun {
  id: string;
  /** The job's state: waiting, delayed, active, … */
  state: string;
}

export interface DigestQueue {
  /** Plans a whole period in the background; joins the run already queued for the period. */
  enqueuePlan(digestId: number, period: string): Promise<PlanRun>;
  /** Sends these batches; a batch whose job still lives is not added twice. */
  enqueueBatches(digestId: number, batches: number[]): Promise<void>;
  /** Sends a batch again for one resent delivery, whatever became of the batch's first job. */
  resendBatch(digestId: number, batch: number, deliveryId: number): Promise<void>;
  /** Puts a stranded batch back unless a live job holds it; true when it was added. */
  requeueStranded(digestId: number, batch: number): Promise<boolean>;
  /** Mails one stored test send. */
  enqueueTestSend(testSendId: number): Promise<void>;
}
