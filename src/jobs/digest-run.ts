// Plan a period, send it and wait: what `paperboy digest --date D` and the
// demo do. Sending goes through the digest-send queue like any other run, so
// `paperboy worker` processes that are up share the work; a local worker in
// this process makes sure it gets done even when none is.
import { runCounts } from '../digest/delivery-repo.js';
import { findDigest } from '../digest/digest-repo.js';
import { learnedRecommender } from '../digest/learned-recommender.js';
import { planPeriod, type PlanResult } from '../digest/planner.js';
import type { JobContext } from './deps.js';
import { createDigestSendProcessor } from './digest-jobs.js';
import { startWorkers } from './workers.js';

export interface DigestRunProgress {
  planned: number;
  sent: number;
  skipped: number;
  failed: number;
  open: number;
}

export interface DigestRunSummary extends Omit<DigestRunProgress, 'open'> {
  digestId: number;
  period: string;
  status: string;
  /** Distinct contents among this run's deliveries (each rendered once per worker). */
  groups: number;
  /** Deliveries still pending or sending when the wait ended (0 unless it timed out). */
  unfinished: number;
  seconds: number;
  dryRun: boolean;
  /** The whole period's figures, this run's included. */
  digest: { planned: number; sent: number; skipped: number; failed: number };
}

export interface DigestRunOptions {
  /** Start a digest-send worker in this process (default true). */
  localWorker?: boolean;
  onProgress?: (progress: DigestRunProgress) => void;
  /** Called once every due reader is planned (their first batches may be sent already). */
  onPlanned?: (plan: { planned: number; pending: number }) => void;
  pollMs?: number;
  /** Stop waiting after this long (0: wait until every delivery is finished). */
  timeoutMs?: number;
  batchSize?: number;
}

export async function runDigestPeriod(
  ctx: JobContext,
  period: string,
  options: DigestRunOptions = {},
): Promise<DigestRunSummary> {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  // Up before planning: each chunk's batches are enqueued as it commits, and sent meanwhile.
  const local =
    options.localWorker !== false ? startWorkers(ctx, { digestSend: (c) => createDigestSendProcessor(c) }) : null;
  let plan: PlanResult;
  let counts: DigestRunProgress;
  try {
    plan = await planPeriod({ ...ctx, recommender: learnedRecommender, sendQueue: ctx.digestQueue }, period, {
      due: { kind: 'all' },
      batchSize: options.batchSize,
    });
    options.onPlanned?.(plan);
    // The count reads every row of the run: on a large run each poll waits
    // twenty times as long as the last count took, so waiting never costs
    // Postgres more than a twentieth of one core.
    let countMs = 0;
    const { digestId, asOf } = plan;
    const count = async () => {
      const begun = Date.now();
      const result = await runCounts(ctx.db, digestId, asOf);
      countMs = Date.now() - begun;
      return result;
    };
    counts = await count();
    const deadline = options.timeoutMs ? started + options.timeoutMs : Infinity;
    while (counts.open > 0 && Date.now() < deadline) {
      options.onProgress?.(counts);
      await new Promise((resolve) => setTimeout(resolve, Math.max(options.pollMs ?? 250, 20 * countMs)));
      counts = await count();
    }
    options.onProgress?.(counts);
  } finally {
    await local?.close();
  }
  const digest = await findDigest(ctx.db, plan.digestId);
  return {
    digestId: plan.digestId,
    period,
    status: digest?.status ?? 'sending',
    planned: counts.planned,
    sent: counts.sent,
    skipped: counts.skipped,
    failed: counts.failed,
    unfinished: counts.open,
    groups: plan.groups,
    seconds: seconds(),
    dryRun: false,
    digest: {
      planned: digest?.planned ?? 0,
      sent: digest?.sent ?? 0,
      skipped: digest?.skipped ?? 0,
      failed: digest?.failed ?? 0,
    },
  };
}

export interface DigestDryRunSummary extends Omit<DigestRunSummary, 'digestId'> {
  /** The period's digest, or null when it has none yet (the dry run does not create it). */
  digestId: number | null;
}

/** What `runDigestPeriod` would plan, computed and rolled back: nothing is written or sent. */
export async function dryRunDigestPeriod(
  ctx: JobContext,
  period: string,
  options: { batchSize?: number } = {},
): Promise<DigestDryRunSummary> {
  const started = Date.now();
  const plan = await planPeriod({ ...ctx, recommender: learnedRecommender }, period, {
    due: { kind: 'all' },
    dryRun: true,
    batchSize: options.batchSize,
  });
  const digest = await findDigest(ctx.db, plan.digestId);
  return {
    digestId: digest?.id ?? null,
    period,
    status: digest?.status ?? 'unplanned',
    planned: plan.planned,
    sent: 0,
    skipped: plan.skipped,
    failed: 0,
    unfinished: 0,
    groups: plan.groups,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    dryRun: true,
    digest: {
      planned: digest?.planned ?? 0,
      sent: digest?.sent ?? 0,
      skipped: digest?.skipped ?? 0,
      failed: digest?.failed ?? 0,
    },
  };
}
