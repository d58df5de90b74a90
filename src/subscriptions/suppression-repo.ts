// SQL for the suppression list: addresses that bounced hard or complained
// get no mail of any kind until an admin lifts them. Kept with the
// subscriptions, which check it before every confirmation and welcome;
// src/inbound adds to it and lifts it; the admin API lists it.
import type { DbClient } from './subscriber-repo.js';

export const SUPPRESSION_SQL = {
  // $1 email, $2 reason, $3 source.
  suppressAddress: `
    INSERT INTO "Suppression" (email, reason, source, "createdAt", "updatedAt") VALUES ($1, $2, $3, now(), now())
    ON CONFLICT (email) DO UPDATE SET reason = EXCLUDED.reason, source = EXCLUDED.source, "liftedAt" = NULL, "liftedBy" = NULL, "updatedAt" = now()`,
} as const;

/** Adds the address, or puts a lifted suppression back in force. */
export async function suppressAddress(
  db: DbClient,
  email: string,
  reason: 'hard_bounce' | 'complaint',
  source: string,
): Promise<void> {
  await db.$executeRawUnsafe(SUPPRESSION_SQL.suppressAddress, email, reason, source);
}

export async function isSuppressed(db: DbClient, email: string): Promise<boolean> {
  const row = await db.suppression.findFirst({
    where: { email: email.trim().toLowerCase(), liftedAt: null },
    select: { id: true },
  });
  return row !== null;
}

/** Of these addresses, the suppressed ones (for CSV import). */
export async function findSuppressed(db: DbClient, emails: string[]): Promise<Map<string, string>> {
  if (!emails.length) return new Map();
  const rows = await db.suppression.findMany({
    where: { email: { in: emails }, liftedAt: null },
    select: { email: true, reason: true },
  });
  return new Map(rows.map((r) => [r.email, r.reason]));
}

/** Suppressions in force, newest first, paged by id; one row more than `limit` when there is a next page. */
export async function findSuppressions(db: DbClient, options: { beforeId?: number; limit: number; q?: string }) {
  return db.suppression.findMany({
    where: {
      liftedAt: null,
      ...(options.beforeId ? { id: { lt: options.beforeId } } : {}),
      ...(options.q ? { email: { contains: options.q.trim().toLowerCase() } } : {}),
    },
    select: { id: true, email: true, reason: true, source: true, createdAt: true, updatedAt: true },
    orderBy: { id: 'desc' },
    take: options.limit + 1,
  });
}

export async function liftSuppression(db: DbClient, email: string, liftedBy: string, now: Date): Promise<boolean> {
  const { count } = await db.suppression.updateMany({
    where: { email: email.trim().toLowerCase(), liftedAt: null },
    data: { liftedAt: now, liftedBy },
  });
  return count > 0;
}
