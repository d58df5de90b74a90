// Planning: one Delivery row per due subscriber for a period, with its papers
// chosen now. Readers are planned a chunk at a time (plan-repo.ts): one query
// reads a chunk, the matcher (built once per run: every phrase, category and
// author matched once) plans each reader in memory, one statement writes the
// chunk. Everything is written in one transaction under a per-digest lock;
// the caller enqueues the batches after commit (a crash in between leaves
// pending rows that the repair sweep finds).
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
} from './digest-repo.js';
import { findDueReaders, insertPlannedDeliveries, type InsertedCount, type PlannedDelivery } from './plan-repo.js';
import { findPinnedPaperIds } from '../papers/pinning.js';
import { finishDigestIfDone } from './delivery-repo.js';
import { createMatcher } from './matcher.js';
import { periodWeekday, type TimezoneSlot } from './period.js';
import { LOOKBACK_DAYS } from './ranking.js';
import { planChunk, type Recommender } from './plan-chunk.js';

export interface PlanDeps {
  db: Db;
  config: Pick<Config, 'publicUrl' | 'secretKey' | 'digestBatchSize'>;
  logger: Logger;
  /** Optional: a "Recommended for you" section from each reader's ratings (see plan-chunk.ts). */
  recommender?: Recommender;
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

/** Plans a period; safe to run twice or concurrently (ON CONFLICT + advisory lock). */
export async function planPeriod(deps: PlanDeps, period: string, options: PlanOptions): Promise<PlanResult> {
  const log = deps.logger.child({ module: 'digest-planner' });
  const batchSize = options.batchSize ?? deps.config.digestBatchSize;
  const started = Date.now();
  const filter: DueFilter =
    options.due.kind === 'all'
      ? { kind: 'all', weekday: periodWeekday(period) }
      : {
          kind: 'slots',
          timezones: options.due.slots.map((s) => s.timezone),
          hours: options.due.slots.map((s) => s.hour),
          weekdays: options.due.slots.map((s) => s.weekday),
        };

  const result = await deps.db
    .$transaction(
      async (tx) => {
        const digest = await ensureDigest(tx, period);
        await lockDigest(tx, digest.id);
        const asOf = options.now ?? (await databaseNow(tx));
        const since = new Date(asOf.getTime() - Math.max(...Object.values(LOOKBACK_DAYS)) * 86_400_000);
        const [lists, papers, pinned] = await Promise.all([
          loadLists(deps.db),
          loadWindowPapers(deps.db, since, asOf),
          findPinnedPaperIds(deps.db, asOf),
        ]);
        const matcher = createMatcher({ papers, now: asOf });
        const context = {
          matcher,
          lists: new Map(lists.map((l) => [l.id, l])),
          db: deps.db,
          recommender: deps.recommender?.forRun(papers),
          pinned,
        };
        const firstBatch = await nextBatchNumber(tx, digest.id);
        const contents = new Set<string>();
        let afterId = 0;
        let pendingSoFar = 0;
        let total = 0;
        const inserted: InsertedCount[] = [];
        for (;;) {
          const { readers, pageEnd } = await findDueReaders(tx, {
            digestId: digest.id,
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
          const rows: PlannedDelivery[] = planned.map((p) => {
            if (!p.layout) return { ...p, batch: 0 };
            contents.add(createHash('md5').update(p.layout).digest('base64'));
            return { ...p, batch: firstBatch + Math.floor(pendingSoFar++ / batchSize) };
          });
          if (!options.dryRun) {
            inserted.push(
              ...(await insertPlannedDeliveries(tx, {
                digestId: digest.id,
                asOf,
                rows,
                tagKey: messageIdKey(deps.config, digest.id),
                host: new URL(deps.config.publicUrl).hostname,
              })),
            );
          }
        }
        const empty: PlanResult = {
          digestId: digest.id,
          period,
          asOf,
          planned: 0,
          pending: 0,
          skipped: 0,
          groups: contents.size,
          batches: [],
        };
        if (options.dryRun) {
          const batches = Array.from({ length: Math.ceil(pendingSoFar / batchSize) }, (_, i) => firstBatch + i);
          throw new DryRunRollback({
            ...empty,
            planned: total,
            pending: pendingSoFar,
            skipped: total - pendingSoFar,
            batches,
          });
        }
        const planned = inserted.reduce((n, r) => n + r.n, 0);
        const pending = inserted.reduce((n, r) => n + (r.status === 'pending' ? r.n : 0), 0);
        if (planned) await addPlanned(tx, digest.id, planned, planned - pending, pending > 0);
        const batches = [...new Set(inserted.filter((r) => r.status === 'pending').map((r) => r.batch))].sort(
          (a, b) => a - b,
        );
        return { ...empty, planned, pending, skipped: planned - pending, batches };
      },
      { timeout: 10 * 60_000, maxWait: 30_000 },
    )
    .catch((error: unknown) => {
      if (error instanceof DryRunRollback) return error.result;
      throw error;
    });

  if (!options.dryRun) {
    // Moves planning → sending or done even when this run added nothing.
    if (!result.pending) await finishOrSend(deps.db, result.digestId);
    log.info(
      {
        event: 'digest_planned',
        digestId: result.digestId,
        period,
        planned: result.planned,
        pending: result.pending,
        skipped: result.skipped,
        groups: result.groups,
        batches: result.batches.length,
        ms: Date.now() - started,
      },
      'digest planned',
    );
  }
  return result;
}

async function finishOrSend(db: Db, digestId: number): Promise<void> {
  // A digest left in 'planning' with nothing open is done; one with open rows is sending.
  await markPlanned(db, digestId);
  await finishDigestIfDone(db, digestId);
}
