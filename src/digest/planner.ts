// Planning: one Delivery row per due subscriber for a period, with its papers
// chosen now, in batches sorted by content group (the SQL is in
// plan-repo.ts). Everything is written in one transaction under a per-digest
// lock; the caller enqueues the batches after commit (a crash in between
// leaves pending rows that the repair sweep finds).
import { createHash, createHmac } from 'node:crypto';
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import type { Logger } from '../logger.js';
import { contentKey, loadLists, loadWindowPapers } from './content.js';
import { addPlanned, databaseNow, ensureDigest, lockDigest, nextBatchNumber, type DueFilter } from './digest-repo.js';
import { findDueGroups, insertPlannedDeliveries, type PlannedGroup } from './plan-repo.js';
import { finishDigestIfDone } from './delivery-repo.js';
import { createMatcher, sectionPaperIds } from './matcher.js';
import { periodWeekday, type TimezoneSlot } from './period.js';

export interface PlanDeps {
  db: Db;
  config: Pick<Config, 'publicUrl' | 'secretKey' | 'digestBatchSize'>;
  logger: Logger;
}

export interface PlanOptions {
  /** 'all': every daily subscriber (and weekly ones on the period's weekday); else the tick's zones. */
  due: { kind: 'all' } | { kind: 'slots'; slots: TimezoneSlot[] };
  /** Window end; defaults to the database clock. */
  now?: Date;
  batchSize?: number;
  /** Compute only: nothing is written. */
  dryRun?: boolean;
}

export interface PlanResult {
  digestId: number;
  period: string;
  /** Window end of this run; its deliveries share it as createdAt. */
  asOf: Date;
  planned: number;
  pending: number;
  skipped: number;
  groups: number;
  batches: number[];
}

/** Per digest, derived from SECRET_KEY: Message-ID tags cannot be guessed, and the secret stays out of SQL. */
export function messageIdKey(config: Pick<Config, 'secretKey'>, digestId: number): string {
  return createHmac('sha256', config.secretKey).update(`message-id:${digestId}`).digest('hex');
}

/**
 * Deterministic per (digest, subscriber): a resend after a crash carries the
 * same id. Postgres computes the same string when it plans (plan-repo.ts).
 */
export function digestMessageId(config: Pick<Config, 'publicUrl' | 'secretKey'>, digestId: number, subscriberId: number): string {
  const tag = createHash('md5').update(`${messageIdKey(config, digestId)}:${subscriberId}`).digest('hex').slice(0, 24);
  return `<${tag}@${new URL(config.publicUrl).hostname}>`;
}

function parseIntArray(text: string): number[] {
  return text.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
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

  const result = await deps.db.$transaction(
    async (tx) => {
      const digest = await ensureDigest(tx, period);
      await lockDigest(tx, digest.id);
      const asOf = options.now ?? (await databaseNow(tx));
      const empty: PlanResult = { digestId: digest.id, period, asOf, planned: 0, pending: 0, skipped: 0, groups: 0, batches: [] };
      const due = await findDueGroups(tx, digest.id, asOf, filter);
      if (!due.length) return empty;

      const earliest = due.reduce((min, g) => Math.min(min, g.startMs), asOf.getTime());
      const [lists, papers] = await Promise.all([loadLists(deps.db), loadWindowPapers(deps.db, new Date(earliest), asOf)]);
      const matcher = createMatcher({ papers, lists, now: asOf });
      // One match per (lists, window) group, however many subscribers share it.
      const groups: PlannedGroup[] = due.map((g) => {
        const listIds = parseIntArray(g.lists);
        const paperIds = sectionPaperIds(matcher.match(listIds, { start: new Date(g.startMs), end: asOf }));
        return { lists: g.lists, startMs: g.startMs, papers: `{${paperIds.join(',')}}`, contentKey: contentKey(listIds, paperIds) };
      });
      const total = due.reduce((n, g) => n + g.count, 0);
      const pendingTotal = due.reduce((n, g, i) => n + (groups[i]!.papers === '{}' ? 0 : g.count), 0);
      const contents = new Set(groups.filter((g) => g.papers !== '{}').map((g) => g.contentKey)).size;
      const firstBatch = await nextBatchNumber(tx, digest.id);
      if (options.dryRun) {
        const batches = Array.from({ length: Math.ceil(pendingTotal / batchSize) }, (_, i) => firstBatch + i);
        return { ...empty, planned: total, pending: pendingTotal, skipped: total - pendingTotal, groups: contents, batches };
      }

      const inserted = await insertPlannedDeliveries(tx, {
        digestId: digest.id,
        asOf,
        filter,
        groups,
        firstBatch,
        batchSize,
        tagKey: messageIdKey(deps.config, digest.id),
        host: new URL(deps.config.publicUrl).hostname,
      });
      const planned = inserted.reduce((n, r) => n + r.n, 0);
      const pending = inserted.reduce((n, r) => n + (r.status === 'pending' ? r.n : 0), 0);
      await addPlanned(tx, digest.id, planned, planned - pending, pending > 0);
      const batches = inserted.filter((r) => r.status === 'pending').map((r) => r.batch);
      return { ...empty, planned, pending, skipped: planned - pending, groups: contents, batches };
    },
    { timeout: 10 * 60_000, maxWait: 30_000 },
  );

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
  await db.$executeRawUnsafe(
    `UPDATE "Digest" SET status = 'sending', "updatedAt" = now() WHERE id = $1 AND status = 'planning'`,
    digestId,
  );
  await finishDigestIfDone(db, digestId);
}
