// Reading the audit log for the console. The log itself (every admin write,
// recorded with recordAudit) comes with scoped tokens; until it is wired in,
// this reader says the log is not available rather than showing an empty one.
import type { Db } from '../db.js';

export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
}

export interface AuditPage {
  available: boolean;
  items: AuditEntry[];
  nextCursor: number | null;
}

export async function readAuditLog(_db: Db, _page: { afterId?: number; limit: number }): Promise<AuditPage> {
  return { available: false, items: [], nextCursor: null };
}
