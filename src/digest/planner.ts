// Planning: one Delivery row per due subscriber for a period, with its papers
// chosen now. Readers are planned a chunk at a time (plan-repo.ts): one query
// reads a chunk, the matcher (built once per run: every phrase, category and
// author matched once) plans each reader in memory, one statement writes the
// chunk. Each chunk commits on its own, under a per-digest lock, and its
// batches are enqueued right after (a crash in between leaves pending rows
// that the repair sweep finds; one mid-run leaves the rest to the next run
// of the period, which skips whoever is planned already).
import { createHash, createHmac } from 'node:crypto';
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import type { Logger } from '../logger.js';
import { loadLists, loadWindowPapers } from './content.js';
import {
  addPlanned,
  databaseNow,
  ensureDigest,
  lockDigest,
  markPlanned,
  nextBatchNumber,
  type DueFilter,
  type Sql,
} from './digest-repo.js';
import { findDueReaders, insertPlannedDeliveries, type InsertedCount, type PlannedDelivery } from './plan-repo.js';
import { findPinnedPaperIds } from '../papers/pinning.js';
import { finishDigestIfDone } from './delivery-repo.js';
import { createMatcher } from './matcher.js';
import { periodWeekday, type TimezoneSlot } from './period.js';
import { LOOKBACK_DAYS } from './ranking.js';
import { planChunk, type Recommender } from './plan-chunk.js';
import type { DigestQueue } from './queue-port.js';

export interface PlanDeps {
  db: Db;
  config: Pick<Config, 'publicUrl' | 'secretKey' | 'digestBatchSize'>;
  logger: Logger;
  /** Optional: a "Recommended for you" section from each reader's ratings (see plan-chunk.ts). */
  recommender?: Recommender;
  /** Optional: enqueues each chunk's batches as it commits; without it the caller enqueues `batches`. */
  sendQueue?: Pick<DigestQueue, 'enqueueBatches'>;
}

export interface PlanOptions {
  /** 'all': every daily subscriber (and weekly ones on the period's weekday); else the tick's zones. */
  due: { kind: 'all' } | { kind: 'slots'; slots: TimezoneSlot[] };
  /** Planning instant ("now" for ranking and the lookback); defaults to the database clock. */
  now?: Date;
  batchSize?: number;
  /** Compute only: nothing is written. */
  dryRun?: boolean;
  /** Readers read and written per round trip. */
  chunkSize?: number;
}

export interface PlanResult {
  digestId: number;
  period: string;
  /** Planning instant of this run; its deliveries share it as createdAt. */
  asOf: Date;
  planned: number;
  pending: number;
  skipped: number;
  /** Distinct email contents planned. */
  groups: number;
  batches: number[];
}

// Readers planned per round trip. A chunk's plans, their layouts and the
// insert's JSON parameter live at once: 5,000 personal readers held ~40 MB,
// too much beside the caches under a 160 MB heap; 1,000 cost a few more
// round trips in a planning run.
export const DEFAULT_PLAN_CHUNK = 1000;

/** Per digest, derived from SECRET_KEY: Message-ID tags cannot be guessed, and the secret stays out of SQL. */
export function messageIdKey(config: Pick<Config, 'secretKey'>, digestId: number): string {
  return createHmac('sha256', config.secretKey).update(`message-id:${digestId}`).digest('hex');
}

/**
 * Deterministic per (digest, subscriber): a resend after a crash carries the
 * same id. Postgres computes the same string when it plans (plan-repo.ts).
 */
export function digestMessageId(
  config: Pick<Config, 'publicUrl' | 'secretKey'>,
  digestId: number,
  subscriberId: number,
): string {
  const tag = createHash('md5')
    .update(`${messageIdKey(config, digestId)}:${subscriberId}`)
    .digest('hex')
    .slice(0, 24);
  return `<${tag}@${new URL(config.publicUrl).hostname}>`;
}

/**
 * Thrown out of a dry run's transaction so that it rolls back: the plan is
 * computed by the same statements as a real one (under the same lock), and
 * not even the Digest row stays behind.
 */
class DryRunRollback extends Error {
  constructor(readonly result: PlanResult) {
    super('dry run');
  }
}

/** Where a run's chunks go: written (and maybe enqueued) for real, or only counted for a dry run. */
type ChunkWriter = (planned: Array<Omit<PlannedDelivery, 'batch'>>) => Promise<{ pending: number }>;

/**
 * Plans a period; safe to run twice or concurrently (ON CONFLICT + advisory
 * lock). Each chunk of readers commits on its own, and with `sendQueue`
 * its batches are enqueued at once, so the first emails leave while later
 * readers are still being planned and no transaction lasts a whole run. The
 * digest stays 'planning' until the last chunk (unless another run already
 * moved it on), so senders that catch up with the planner cannot close it.
 */
export async function planPeriod(deps: PlanDeps, period: string, options: PlanOptions): Promise<PlanResult> {
  const log = deps.logger.child({ module: 'digest-planner' });
  const started = Date.now();
  if (options.dryRun) {
    return deps.db
      .$transaction(
        async (tx) => {
          const digest = await ensureDigest(tx, period);
          await lockDigest(tx, digest.id);
          const firstBatch = await nextBatchNumber(tx, digest.id);
          const asOf = options.now ?? (await databaseNow(tx));
          // Numbered as a real run numbers them: each chunk starts a batch of its own.
          let batchCount = 0;
          const result = await planChunks(deps, tx, { digestId: digest.id, period, asOf }, options, (planned) => {
            const pending = planned.filter((p) => p.layout).length;
            batchCount += Math.ceil(pending / batchSizeOf(deps, options));
            return Promise.resolve({ pending });
          });
          const batches = Array.from({ length: batchCount }, (_, i) => firstBatch + i);
          throw new DryRunRollback({ ...result, batches });
        },
        { timeout: 10 * 60_000, maxWait: 30_000 },
      )
      .catch((error: unknown) => {
        if (error instanceof DryRunRollback) return error.result;
        throw error;
      });
  }

  const digest = await ensureDigest(deps.db, period);
  const tagKey = messageIdKey(deps.config, digest.id);
  const host = new URL(deps.config.publicUrl).hostname;
  const batchSize = batchSizeOf(deps, options);
  const asOf = options.now ?? (await databaseNow(deps.db));
  const inserted: InsertedCount[] = [];
  const result = await planChunks(deps, deps.db, { digestId: digest.id, period, asOf }, options, async (planned) => {
    const counts = await deps.db.$transaction(async (tx) => {
      // Batch numbers are taken under the lock, so concurrent runs never share one.
      await lockDigest(tx, digest.id);
      const firstBatch = await nextBatchNumber(tx, digest.id);
      let pendingSoFar = 0;
      const rows = planned.map((p) =>
        p.layout ? { ...p, batch: firstBatch + Math.floor(pendingSoFar++ / batchSize) } : { ...p, batch: 0 },
      );
      const chunk = await insertPlannedDeliveries(tx, { digestId: digest.id, asOf, rows, tagKey, host });
      const n = countOf(chunk);
      const pending = countOf(chunk, 'pending');
      if (n) await addPlanned(tx, digest.id, n, n - pending, pending > 0);
      return chunk;
    });
    inserted.push(...counts);
    const batches = pendingBatches(counts);
    if (batches.length) await deps.sendQueue?.enqueueBatches(digest.id, batches);
    return { pending: countOf(counts, 'pending') };
  });
  // What this run really inserted: a concurrent run may have planned some of its readers first.
  const planned = countOf(inserted);
  const batches = pendingBatches(inserted);
  // Moves planning → sending, or done when nothing is open, even when this run added nothing.
  await finishOrSend(deps.db, digest.id, result.pending > 0);
  log.info(
    {
      event: 'digest_planned',
      digestId: digest.id,
      period,
      planned,
      pending: result.pending,
      skipped: planned - result.pending,
      groups: result.groups,
      batches: batches.length,
      ms: Date.now() - started,
    },
    'digest planned',
  );
  return { ...result, planned, skipped: planned - result.pending, batches };
}

const batchSizeOf = (deps: PlanDeps, options: PlanOptions) => options.batchSize ?? deps.config.digestBatchSize;

const countOf = (counts: InsertedCount[], status?: InsertedCount['status']) =>
  counts.reduce((n, r) => n + (status === undefined || r.status === status ? r.n : 0), 0);

function pendingBatches(counts: InsertedCount[]): number[] {
  return [...new Set(counts.filter((r) => r.status === 'pending').map((r) => r.batch))].sort((a, b) => a - b);
}

/**
 * The run itself: reads the due readers a chunk at a time, plans each chunk
 * in memory and hands it to `write`. Counts what it planned; `batches` is
 * left to the caller, which alone knows the batch numbers.
 */
async function planChunks(
  deps: PlanDeps,
  sql: Sql,
  run: { digestId: number; period: string; asOf: Date },
  options: PlanOptions,
  write: ChunkWriter,
): Promise<PlanResult> {
  const { digestId, period, asOf } = run;
  const filter: DueFilter =
    options.due.kind === 'all'
      ? { kind: 'all', weekday: periodWeekday(period) }
      : {
          kind: 'slots',
          timezones: options.due.slots.map((s) => s.timezone),
          hours: options.due.slots.map((s) => s.hour),
          weekdays: options.due.slots.map((s) => s.weekday),
        };
  const since = new Date(asOf.getTime() - Math.max(...Object.values(LOOKBACK_DAYS)) * 86_400_000);
  const [lists, papers, pinned] = await Promise.all([
    loadLists(deps.db),
    loadWindowPapers(deps.db, since, asOf),
    findPinnedPaperIds(deps.db, asOf),
  ]);
  const context = {
    matcher: createMatcher({ papers, now: asOf }),
    lists: new Map(lists.map((l) => [l.id, l])),
    db: deps.db,
    recommender: deps.recommender?.forRun(papers),
    pinned,
  };
  const contents = new Set<string>();
  let afterId = 0;
  let total = 0;
  let pending = 0;
  for (;;) {
    const { readers, pageEnd } = await findDueReaders(sql, {
      digestId,
      filter,
      afterId,
      limit: options.chunkSize ?? DEFAULT_PLAN_CHUNK,
      sentSince: since,
    });
    if (pageEnd === null) break;
    afterId = pageEnd;
    if (!readers.length) continue;
    total += readers.length;
    const planned = await planChunk(context, readers);
    // Equal contents side by side, so a batch renders few distinct emails.
    planned.sort((a, b) => (a.layout ?? '').localeCompare(b.layout ?? '') || a.subscriberId - b.subscriberId);
    for (const p of planned) if (p.layout) contents.add(createHash('md5').update(p.layout).digest('base64'));
    pending += (await write(planned)).pending;
  }
  return {
    digestId,
    period,
    asOf,
    planned: total,
    pending,
    skipped: total - pending,
    groups: contents.size,
    batches: [],
  };
}

async function finishOrSend(db: Db, digestId: number, queuedEmails: boolean): Promise<void> {
  // A digest left in 'planning' with nothing open is done; one with open rows is sending.
  await markPlanned(db, digestId);
  // After queueing emails, the counters say whether senders already settled
  // them all, as senders ask, sparing a full recount of the period per run.
  await finishDigestIfDone(db, digestId, { whenCountersSayDone: queuedEmails });
}
