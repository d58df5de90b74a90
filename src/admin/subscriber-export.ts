// Streaming CSV export of subscribers: paged from Postgres by id, stringified
// row by row, and written with backpressure, so memory holds one page however
// many subscribers match. The columns are a superset of the import's, so an
// export can be imported elsewhere as is.
import { Readable } from 'node:stream';
import { stringify, type Stringifier } from 'csv-stringify';
import type { Db } from '../db.js';
import { iterateSubscribers, type SubscriberFilter, type SubscriberSummary } from './subscriber-search.js';

export const EXPORT_COLUMNS = [
  'id',
  'email',
  'status',
  'lists',
  'timezone',
  'sendHour',
  'frequency',
  'weekday',
  'createdAt',
  'confirmedAt',
  'unsubscribedAt',
  'bounceCount',
] as const;

/**
 * Spreadsheets run a cell that starts with = + - @ (or a tab / CR) as a
 * formula (CSV injection). A leading single quote makes it text.
 */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function toRecord(s: SubscriberSummary): string[] {
  const cells = [
    String(s.id),
    s.email ?? '',
    s.status,
    s.lists.join('|'),
    s.timezone,
    String(s.sendHour),
    s.frequency,
    String(s.weekday),
    s.createdAt.toISOString(),
    s.confirmedAt?.toISOString() ?? '',
    s.unsubscribedAt?.toISOString() ?? '',
    String(s.bounceCount),
  ];
  return cells.map(neutraliseCell);
}

/** A readable CSV stream of every subscriber matching the filter; pipe it to the response. */
export function exportSubscribersCsv(db: Db, filter: SubscriberFilter, pageSize = 2000): Stringifier {
  const rows = Readable.from(
    (async function* () {
      for await (const subscriber of iterateSubscribers(db, filter, pageSize)) yield toRecord(subscriber);
    })(),
  );
  const stringifier = stringify({ header: true, columns: [...EXPORT_COLUMNS] });
  rows.on('error', (error) => stringifier.destroy(error));
  return rows.pipe(stringifier);
}
