// /admin/subscribers/import: the CSV format with an example, a file picker,
// and the report with one line per rejected row. With JavaScript the page
// sends the file itself and shows the upload's progress; without, the form
// posts it and the report comes back as a page.
import type { Response } from 'express';
import type { ConsoleSession } from '../../admin/console-sessions.js';
import {
  ImportFileError,
  ImportInterruptedError,
  importSubscribersCsv,
  type ImportReport,
} from '../../admin/subscriber-import.js';
import { IMPORT_MAX_BYTES } from '../admin/index.js';
import { confirmationRequester, importRules } from '../admin/subscriber-csv-routes.js';
import { ImportQuery } from '../admin/subscriber-schemas.js';
import type { AppDeps } from '../app.js';
import { AppError } from '../errors.js';
import { html, type SafeHtml } from '../pages/html.js';
import { importBody, uploadOf } from './import-body.js';
import { csrfField, renderConsolePage } from './layout.js';
import type { ConsoleRoute } from './route.js';

export const CSV_EXAMPLE = `email,lists,timezone,sendHour,frequency
ada@example.org,trending|llm,Europe/London,7,daily
grace@example.org,vision,America/New_York,18,weekly`;

function reportOf(report: ImportReport, note?: string): SafeHtml {
  const errors = report.errors.map((e) => html`<tr><th scope="row">${e.row}</th><td>${e.message}</td></tr>`);
  return html`<section class="card" aria-labelledby="report-h"><h2 id="report-h">Import report</h2>
${note ? html`<p class="notice notice-warn" role="alert">${note}</p>` : ''}
<p role="status"><strong>${report.rows}</strong> rows read: ${report.created} created, ${report.updated} updated, ${report.skipped} skipped, ${report.errorCount} rejected.</p>
${errors.length ? html`<div class="table-scroll"><table><caption>Rejected rows (the header is row 1)</caption><thead><tr><th scope="col">Row</th><th scope="col">Problem</th></tr></thead><tbody>${errors}</tbody></table></div>${report.errorsTruncated ? html`<p class="muted">Only the first ${errors.length} problems are listed.</p>` : ''}` : ''}
</section>`;
}

function failureOf(message: string): SafeHtml {
  return html`<section class="card" aria-labelledby="report-h"><h2 id="report-h">Import report</h2><p class="notice notice-warn" role="alert">${message}</p></section>`;
}

function importPage(session: ConsoleSession, report: SafeHtml | string = ''): string {
  return renderConsolePage(
    session,
    { title: 'Import subscribers', section: 'subscribers', scripts: ['import.js'] },
    html`<p><a href="/admin/subscribers">← Subscribers</a></p><h1>Import subscribers</h1>
<section aria-labelledby="format-h"><h2 id="format-h">The file</h2>
<p>A CSV file with a header row. Columns, in any order (only <code>email</code> and <code>lists</code> are required):</p>
<div class="table-scroll"><table><thead><tr><th scope="col">Column</th><th scope="col">What</th></tr></thead><tbody>
<tr><th scope="row"><code>email</code></th><td>the address</td></tr>
<tr><th scope="row"><code>lists</code></th><td>list slugs separated by <code>|</code>, e.g. <code>trending|llm</code></td></tr>
<tr><th scope="row"><code>timezone</code></th><td>an IANA time zone such as <code>Europe/Paris</code> (default UTC)</td></tr>
<tr><th scope="row"><code>sendHour</code></th><td>0–23, the local hour the digest goes out (default 7)</td></tr>
<tr><th scope="row"><code>frequency</code></th><td><code>daily</code> or <code>weekly</code></td></tr>
<tr><th scope="row"><code>weekday</code></th><td>optional, 0 (Sunday) – 6, for weekly digests</td></tr>
</tbody></table></div>
<p>Example:</p><pre>${CSV_EXAMPLE}</pre>
<p class="muted">Bad rows are reported and skipped; the good rows are stored. Up to ${Math.round(IMPORT_MAX_BYTES / 2 ** 20)} MB.</p></section>
<form id="import-form" method="post" action="/admin/subscribers/import" enctype="multipart/form-data" class="card">
${csrfField(session)}
<div class="form-grid">
  <div class="field"><label for="import-status">New subscribers are</label><select id="import-status" name="status"><option value="pending">pending: each gets a confirmation email</option><option value="active">active: I have their consent</option></select></div>
  <div class="field"><label for="import-existing">Addresses already here</label><select id="import-existing" name="existing"><option value="skip">skip them</option><option value="update">update their preferences and add the lists</option></select></div>
</div>
<div class="field"><label for="import-file">CSV file</label><input id="import-file" name="file" type="file" accept=".csv,text/csv" required></div>
<button class="button button-primary" type="submit">Import</button>
<p id="import-progress" hidden><label for="import-bar">Uploading</label> <progress id="import-bar" max="100" value="0"></progress> <span id="import-progress-text" aria-live="polite"></span></p>
</form>
<div id="import-report">${report}</div>`,
  );
}

export function importPageRoutes(deps: AppDeps): ConsoleRoute[] {
  const requestConfirmations = confirmationRequester(deps);
  const answer = (res: Response, session: ConsoleSession, fromScript: boolean, status: number, report: SafeHtml) =>
    res
      .status(status)
      .type('html')
      .send(fromScript ? report.value : importPage(session, report));
  return [
    {
      method: 'get',
      path: '/subscribers/import',
      area: 'subscribers',
      access: 'write',
      handle: ({ res, session }) => res.type('html').send(importPage(session)),
    },
    {
      method: 'post',
      path: '/subscribers/import',
      area: 'subscribers',
      body: [importBody(IMPORT_MAX_BYTES)],
      handle: async ({ req, res, session }) => {
        const upload = uploadOf(req);
        if (!upload) return answer(res, session, false, 400, failureOf('file: choose a CSV file'));
        const options = ImportQuery.safeParse(req.body);
        if (!options.success) {
          upload.stream.resume();
          return answer(res, session, upload.fromScript, 400, failureOf('status and existing: choose from the lists'));
        }
        try {
          const report = await importSubscribersCsv(
            { db: deps.db, rules: importRules, requestConfirmations },
            upload.stream,
            {
              ...options.data,
              actor: { ip: req.ip, userAgent: req.get('user-agent') },
            },
          );
          deps.logger.info(
            { event: 'subscribers_imported', ...report, errors: undefined },
            'subscriber import finished',
          );
          answer(res, session, upload.fromScript, 200, reportOf(report));
        } catch (error) {
          if (error instanceof ImportFileError)
            return answer(res, session, upload.fromScript, 400, failureOf(error.message));
          if (error instanceof ImportInterruptedError) {
            const reason = error.reason instanceof AppError ? error.reason : undefined;
            return answer(
              res,
              session,
              upload.fromScript,
              reason?.status ?? 500,
              reportOf(
                error.partial,
                `The upload stopped (${reason?.message ?? 'interrupted'}); the rows before the cut were stored.`,
              ),
            );
          }
          if (error instanceof AppError)
            return answer(res, session, upload.fromScript, error.status, failureOf(error.message));
          throw error;
        }
      },
    },
  ];
}
