// One CSV row → a validated import row or a message the admin can act on.
// Pure: no database, so the rules are easy to read and to test.
import type { Frequency } from '../generated/prisma/client.js';

export const IMPORT_COLUMNS = ['email', 'lists', 'timezone', 'sendHour', 'frequency', 'weekday'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

export interface ImportRow {
  /** Position in the file, the header being row 1. */
  row: number;
  email: string;
  listIds: number[];
  listSlugs: string[];
  timezone?: string;
  sendHour?: number;
  frequency?: Frequency;
  weekday?: number;
}

export type RowResult = { ok: true; value: ImportRow } | { ok: false; message: string };

/** How the import validates addresses and time zones: the sign-up's own rules, passed in. */
export interface RowRules {
  /** The normalised address, or null when it is not a valid address. */
  normaliseAddress(raw: string): string | null;
  /** The canonical IANA name of a zone, or undefined when there is no such zone. */
  canonicalTimeZone(zone: string): string | undefined;
}

/** The file as a whole is unusable; `partial` says what was written before the problem was found. */
export class ImportFileError extends Error {
  constructor(
    message: string,
    readonly partial?: unknown,
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}

/** Header cell → canonical column name; case, spaces and underscores do not matter. Unknown columns are ignored. */
export function mapHeader(header: string[]): Map<ImportColumn, number> {
  const canonical = new Map(IMPORT_COLUMNS.map((c) => [c.toLowerCase(), c] as const));
  const columns = new Map<ImportColumn, number>();
  header.forEach((cell, index) => {
    const name = canonical.get(cell.trim().toLowerCase().replace(/[\s_]/g, ''));
    if (name && !columns.has(name)) columns.set(name, index);
  });
  if (!columns.has('email'))
    throw new ImportFileError('the header row must name an "email" column (email,lists,timezone,sendHour,frequency)');
  return columns;
}

const FORMULA = /^[=+\-@\t\r]/;

function int(value: string, min: number, max: number): number | undefined {
  if (!/^\d{1,2}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min && n <= max ? n : undefined;
}

/**
 * Validates one data row. A cell that a spreadsheet would run as a formula is
 * refused unless it is a real address (a local part may begin with + or -).
 */
export function parseImportRow(
  cells: string[],
  row: number,
  columns: Map<ImportColumn, number>,
  listIds: Map<string, number>,
  rules: RowRules,
): RowResult {
  const cell = (name: ImportColumn) => {
    const index = columns.get(name);
    return index === undefined ? '' : (cells[index] ?? '').trim();
  };
  const fail = (message: string): RowResult => ({ ok: false, message });

  const rawEmail = cell('email');
  if (!rawEmail) return fail('email: missing');
  const email = rules.normaliseAddress(rawEmail);
  for (const name of IMPORT_COLUMNS) {
    const value = cell(name);
    if (FORMULA.test(value) && !(name === 'email' && email)) return fail(`${name}: looks like a spreadsheet formula`);
  }
  if (!email) return fail('email: not a valid address');

  const listSlugs = [
    ...new Set(
      cell('lists')
        .split('|')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  if (listSlugs.length === 0) return fail('lists: name at least one list');
  const unknown = listSlugs.filter((slug) => !listIds.has(slug));
  if (unknown.length) return fail(`lists: unknown list ${unknown.map((s) => `"${s.slice(0, 64)}"`).join(', ')}`);

  const value: ImportRow = { row, email, listSlugs, listIds: listSlugs.map((slug) => listIds.get(slug)!) };
  const timezone = cell('timezone');
  if (timezone) {
    value.timezone = rules.canonicalTimeZone(timezone);
    if (!value.timezone) return fail('timezone: not an IANA time zone (like Europe/Paris)');
  }
  const sendHour = cell('sendHour');
  if (sendHour) {
    value.sendHour = int(sendHour, 0, 23);
    if (value.sendHour === undefined) return fail('sendHour: must be a whole number from 0 to 23');
  }
  const frequency = cell('frequency').toLowerCase();
  if (frequency) {
    if (frequency !== 'daily' && frequency !== 'weekly') return fail('frequency: must be daily or weekly');
    value.frequency = frequency;
  }
  const weekday = cell('weekday');
  if (weekday) {
    value.weekday = int(weekday, 0, 6);
    if (value.weekday === undefined) return fail('weekday: must be a whole number from 0 (Sunday) to 6');
  }
  return { ok: true, value };
}
