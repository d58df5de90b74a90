// /api/admin/subscribers/import and /export: CSV in and out, both streamed.
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { exportSubscribersCsv } from '../../admin/subscriber-export.js';
import { ImportFileError, ImportInterruptedError, importSubscribersCsv } from '../../admin/subscriber-import.js';
import { addToOutbox } from '../../subscriptions/outbox-repo.js';
import { canonicalTimeZone, emailSchema } from '../../subscriptions/subscriber-input.js';
import type { AppDeps } from '../app.js';
import { AppError, ERROR_CODES } from '../errors.js';
import { limitedBody } from './body-limit.js';
import { defineRoute, type AdminRoute } from './route.js';
import { ImportQuery, ImportReportSchema, SubscriberFilterQuery } from './subscriber-schemas.js';

const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain'];

/** The documented shapes (OpenAPI examples; README shows the same). */
const IMPORT_EXAMPLE =
  'email,lists,timezone,sendHour,frequency,weekday\nada@example.org,trending|llm,Europe/Paris,8,daily,\nalan@example.org,vision,UTC,18,weekly,1\n';
const EXPORT_EXAMPLE =
  'id,email,status,lists,timezone,sendHour,frequency,weekday,createdAt,confirmedAt,unsubscribedAt,bounceCount\n' +
  '1,ada@example.org,active,trending|llm,Europe/Paris,8,daily,,2026-11-02T09:14:03.000Z,2026-11-02T09:15:40.000Z,,0\n';

/** The sign-up's own address rule: same normalisation, same validation. */
export const importRules = {
  normaliseAddress: (raw: string) => {
    const parsed = emailSchema.safeParse(raw);
    return parsed.success ? parsed.data : null;
  },
  canonicalTimeZone,
};

/**
 * Pending imports use the sign-up's mechanism: confirmRequestedAt is set in
 * Postgres with the rows, then each gets its outbox row; a worker sends them.
 * Shared by the API and the console's import.
 */
export function confirmationRequester(deps: AppDeps) {
  return (ids: number[], requestedAt: Date) => addToOutbox(deps.db, ids, requestedAt);
}

export function subscriberCsvRoutes(deps: AppDeps, options: { importMaxBytes: number }): AdminRoute[] {
  const requestConfirmations = confirmationRequester(deps);
  return [
    defineRoute({
      method: 'get',
      path: '/subscribers/export',
      tag: 'subscribers',
      summary: 'Export subscribers as CSV (streamed), with the same filters as the search',
      description:
        "Columns: id,email,status,lists,timezone,sendHour,frequency,weekday,createdAt,confirmedAt,unsubscribedAt,bounceCount (lists separated by |). Cells starting with = + - @ are prefixed with ' so spreadsheets do not run them.",
      query: SubscriberFilterQuery,
      responses: {
        200: { description: 'CSV, one subscriber per row', contentType: 'text/csv', example: EXPORT_EXAMPLE },
      },
      handle: async ({ query, res }) => {
        res.status(200);
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader(
          'Content-Disposition',
          `attachment; filename="subscribers-${new Date().toISOString().slice(0, 10)}.csv"`,
        );
        // pipeline() waits for the client to drain each chunk: memory stays at one page.
        await pipeline(exportSubscribersCsv(deps.db, query), res);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/subscribers/import',
      tag: 'subscribers',
      summary: 'Import subscribers from CSV (streamed)',
      description:
        'Header row email,lists,timezone,sendHour,frequency[,weekday]; lists separated by |. Each bad row is reported and skipped; the good rows are stored.',
      query: ImportQuery,
      rawBody: { contentType: 'text/csv', description: 'The CSV file', example: IMPORT_EXAMPLE },
      responses: {
        200: { description: 'What was done, with one message per rejected row', schema: ImportReportSchema },
        413: { description: 'The file is larger than the cap' },
        415: { description: 'Not a CSV body' },
      },
      handle: async ({ query, req }) => {
        const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (!CSV_TYPES.includes(type))
          throw new AppError(ERROR_CODES.unsupportedMedia, 415, 'Send the file as text/csv');
        const body: Readable = limitedBody(req, options.importMaxBytes);
        try {
          const report = await importSubscribersCsv({ db: deps.db, rules: importRules, requestConfirmations }, body, {
            ...query,
            actor: { ip: req.ip, userAgent: req.get('user-agent') },
          });
          deps.logger.info(
            { event: 'subscribers_imported', ...report, errors: undefined },
            'subscriber import finished',
          );
          return { body: report };
        } catch (error) {
          if (error instanceof ImportFileError)
            throw new AppError(ERROR_CODES.validation, 400, error.message, error.partial);
          if (error instanceof ImportInterruptedError && error.reason instanceof AppError) {
            const { reason, partial } = error;
            throw new AppError(
              reason.code,
              reason.status,
              `${reason.message}; the rows before the cut were stored (see details.partial)`,
              {
                ...(reason.details as object),
                partial,
              },
            );
          }
          throw error;
        }
      },
    }),
  ];
}
