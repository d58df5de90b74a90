// Small shared pieces of console markup: dates, percentages, status badges,
// progress bars and the notices shown after a change.
import { html, type SafeHtml } from '../pages/html.js';

/** A path id as a Postgres int4, or 0 (found nowhere) for anything else. */
export function positiveId(raw: unknown): number {
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 && id <= 2 ** 31 - 1 ? id : 0;
}

export const percent = (value: number) => `${Math.round(value * 1000) / 10}%`;

export function when(date: Date | null | undefined): string {
  return date ? date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : '—';
}

/** `live` names the field live.js updates (it keeps the badge's colour in step). */
export function statusBadge(status: string, live?: string): SafeHtml {
  return html`<span class="status status-${status}"${live ? html` data-field="${live}"` : ''}>${status}</span>`;
}

export interface Progress {
  planned: number;
  sent: number;
  skipped: number;
  failed: number;
  status: string;
}

export function progressOf(d: Progress): number {
  const done = d.sent + d.skipped + d.failed;
  return d.planned ? Math.min(1, done / d.planned) : d.status === 'done' ? 1 : 0;
}

export function progressBar(d: Progress, label: string): SafeHtml {
  const value = Math.round(progressOf(d) * 100);
  return html`<progress data-field="progress" max="100" value="${value}" aria-label="${label}">${value}%</progress>`;
}

/** Fixed messages after a redirect (?done=…): never text from the URL itself. */
const NOTICES: Record<string, string> = {
  saved: 'Saved.',
  created: 'Created.',
  hidden: 'The paper is hidden: it will not be sent again.',
  unhidden: 'The paper can be sent again.',
  pinned: 'Pinned: it goes first in the digests of the coming week.',
  unpinned: 'Unpinned.',
  revoked: 'The token is revoked.',
  erased: 'The subscriber is erased.',
  resent: 'The delivery is queued again.',
  'test-queued': 'The test email is queued.',
};

export function notice(code: unknown): SafeHtml {
  const text = typeof code === 'string' ? NOTICES[code] : undefined;
  return text ? html`<p class="notice notice-success" role="status">${text}</p>` : html``;
}

export function formError(message: string | undefined): SafeHtml {
  return message ? html`<p class="notice notice-warn" role="alert">${message}</p>` : html``;
}
