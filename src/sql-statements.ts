// Every raw SQL statement of the app, by repository module. Each domain's
// SQL lives in its *-repo.ts as one exported object of named statements
// (Postgres placeholders $1, $2…; no string is built from input). This list
// exists so test/migrations/sql-statements.test.ts can prepare each one
// against the migrated schema: a renamed column fails that test, not a
// request in production. A new repo module's statements go here too.
import { IMPORT_SQL } from './admin/import-repo.js';
import { STATS_SQL } from './admin/stats-repo.js';
import { SUBSCRIBER_ADMIN_SQL } from './admin/subscriber-admin-repo.js';
import { ARCHIVE_SQL } from './digest/archive-repo.js';
import { DELIVERY_SQL } from './digest/delivery-repo.js';
import { DIGEST_SQL } from './digest/digest-repo.js';
import { PLAN_SQL } from './digest/plan-repo.js';
import { RATING_SQL } from './digest/rating-repo.js';
import { FEEDBACK_SQL } from './inbound/feedback-repo.js';
import { LIST_SQL } from './lists/list-repo.js';
import { ENRICHMENT_SQL } from './papers/enrichment-repo.js';
import { PAPER_SQL } from './papers/paper-repo.js';
import { OUTBOX_SQL } from './subscriptions/outbox-repo.js';
import { SUBSCRIBER_SQL } from './subscriptions/subscriber-repo.js';
import { SUPPRESSION_SQL } from './subscriptions/suppression-repo.js';

export const SQL_STATEMENTS: Record<string, Readonly<Record<string, string>>> = {
  'admin/import-repo': IMPORT_SQL,
  'admin/stats-repo': STATS_SQL,
  'admin/subscriber-admin-repo': SUBSCRIBER_ADMIN_SQL,
  'digest/archive-repo': ARCHIVE_SQL,
  'digest/delivery-repo': DELIVERY_SQL,
  'digest/digest-repo': DIGEST_SQL,
  'digest/plan-repo': PLAN_SQL,
  'digest/rating-repo': RATING_SQL,
  'inbound/feedback-repo': FEEDBACK_SQL,
  'lists/list-repo': LIST_SQL,
  'papers/enrichment-repo': ENRICHMENT_SQL,
  'papers/paper-repo': PAPER_SQL,
  'subscriptions/outbox-repo': OUTBOX_SQL,
  'subscriptions/subscriber-repo': SUBSCRIBER_SQL,
  'subscriptions/suppression-repo': SUPPRESSION_SQL,
};

/** Every statement as `module.name` → SQL text, in module order (paper-repo's temporary table before the statements that read it). */
export function listSqlStatements(): Array<{ name: string; sql: string }> {
  return Object.entries(SQL_STATEMENTS).flatMap(([module, statements]) =>
    Object.entries(statements).map(([name, sql]) => ({ name: `${module}.${name}`, sql })),
  );
}
