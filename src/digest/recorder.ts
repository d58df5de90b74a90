// Records send outcomes in small bulk statements: often enough that a crash
// leaves only a handful of accepted-but-unrecorded rows (they stay 'sending'
// and are the only ones a restart may send again, with the same Message-ID),
// rarely enough that Postgres does one statement per ~25 emails, not one each.
import type { Db } from '../db.js';
import { markFailed, markSent, markSkipped, releaseForRetry, type FailMark, type SentMark } from './delivery-repo.js';

export interface Recorder {
  sent(id: number, response: string): void;
  failed(mark: FailMark): void;
  skipped(id: number, reason: string): void;
  retry(id: number, error: string): void;
  /** True once a write failed: outcomes can no longer be recorded (Postgres is gone). */
  readonly broken: boolean;
  /** Flushes what is left; throws if any write failed. */
  close(): Promise<void>;
}

export function createRecorder(
  db: Db,
  digestId: number,
  bounceLimit: number,
  options: { maxRows?: number; maxDelayMs?: number } = {},
): Recorder {
  const maxRows = options.maxRows ?? 25;
  const maxDelayMs = options.maxDelayMs ?? 50;
  let sent: SentMark[] = [];
  let failed: FailMark[] = [];
  let skipped: Array<{ id: number; reason: string }> = [];
  let retry: Array<{ id: number; error: string }> = [];
  let chain: Promise<void> = Promise.resolve();
  let firstError: unknown;
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const work = { sent, failed, skipped, retry };
    sent = [];
    failed = [];
    skipped = [];
    retry = [];
    // One flush at a time, in order: a later flush never overtakes an earlier one.
    chain = chain.then(async () => {
      try {
        await markSent(db, digestId, work.sent);
        await markFailed(db, digestId, work.failed, bounceLimit);
        await markSkipped(db, digestId, work.skipped);
        await releaseForRetry(db, work.retry);
      } catch (error) {
        firstError ??= error;
      }
    });
  };
  const added = () => {
    if (sent.length + failed.length + skipped.length + retry.length >= maxRows) flush();
    else timer ??= setTimeout(flush, maxDelayMs);
  };

  return {
    sent(id, response) {
      sent.push({ id, response });
      added();
    },
    failed(mark) {
      failed.push(mark);
      added();
    },
    skipped(id, reason) {
      skipped.push({ id, reason });
      added();
    },
    retry(id, error) {
      retry.push({ id, error });
      added();
    },
    get broken() {
      return firstError !== undefined;
    },
    async close() {
      flush();
      await chain;
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows what the failed write threw, as it was
      if (firstError) throw firstError;
    },
  };
}
