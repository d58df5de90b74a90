// The audit log of the admin API: one row per admin write that succeeded,
// saying which token did what to which path, when and from where. The API
// records it for every write route; the admin console calls recordAudit too.
import type { Db } from '../db.js';

export interface AuditInput {
  /** null for the bootstrap ADMIN_TOKEN. */
  tokenId: number | null;
  tokenName: string;
  /** The operation, e.g. postLists (the OpenAPI operationId). */
  action: string;
  /** The path written to, e.g. /api/admin/lists/llm. */
  target: string;
  ip: string | null;
}

export interface AuditEntryInfo extends AuditInput {
  id: number;
  createdAt: Date;
}

export async function recordAudit(db: Db, entry: AuditInput): Promise<void> {
  await db.auditEntry.create({
    data: {
      ...entry,
      tokenName: entry.tokenName.slice(0, 100),
      action: entry.action.slice(0, 100),
      target: entry.target.slice(0, 500),
    },
  });
}

/** Newest first; `beforeId` is the last id of the previous page. Returns up to limit + 1 rows (the extra one says there is more). */
export function listAuditEntries(db: Db, page: { beforeId?: number; limit: number }): Promise<AuditEntryInfo[]> {
  return db.auditEntry.findMany({
    where: page.beforeId ? { id: { lt: page.beforeId } } : {},
    orderBy: { id: 'desc' },
    take: page.limit + 1,
  });
}

export interface AuditPage {
  items: AuditEntryInfo[];
  /** Pass back as beforeId for the next (older) page. */
  nextCursor: number | null;
}

/** One page for the console, newest first. */
export async function readAuditLog(db: Db, page: { beforeId?: number; limit: number }): Promise<AuditPage> {
  const rows = await listAuditEntries(db, page);
  const items = rows.slice(0, page.limit);
  return { items, nextCursor: rows.length > page.limit ? items[items.length - 1]!.id : null };
}
