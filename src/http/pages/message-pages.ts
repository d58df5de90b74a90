// Short pages that say one thing: "check your inbox", "confirmed", "this
// link does not work", and the HTML error page. Each offers the next step.
import { csrfField } from './form-fields.js';
import { html, type SafeHtml } from './html.js';
import { renderLayout } from './layout.js';

export interface MessagePage {
  title: string;
  heading: string;
  body: SafeHtml;
  tone?: 'success' | 'info' | 'error';
  noindex?: boolean;
}

export function renderMessagePage(page: MessagePage): string {
  const icon = page.tone === 'success' ? '✓' : page.tone === 'error' ? '!' : 'i';
  return renderLayout(
    { title: page.title, noindex: page.noindex ?? true },
    html`<section class="message card message-${page.tone ?? 'info'}">
  <div class="message-icon" aria-hidden="true">${icon}</div>
  <h1>${page.heading}</h1>
  ${page.body}
</section>`,
  );
}

/**
 * The same page for every address state on the public form: nothing there may
 * depend on the address. `sentAt` only from a reader's own signed link (the
 * preference page), when a confirmation went out a moment ago.
 */
export function renderCheckInbox(options: { sentAt?: Date; now?: Date } = {}): string {
  const { sentAt, now = new Date() } = options;
  const minutes = sentAt ? Math.max(0, Math.round((now.getTime() - sentAt.getTime()) / 60_000)) : 0;
  const ago = minutes === 0 ? 'less than a minute ago' : minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`;
  return renderMessagePage({
    title: 'Check your inbox',
    heading: 'Check your inbox',
    tone: 'success',
    body: sentAt
      ? html`<p>We sent you a confirmation link at ${sentAt.toISOString().slice(11, 16)} UTC (${ago}). It still works: click it to start your digest again.</p>
<p class="muted">Nothing arrived? Look in the spam folder; a new link can be sent after ten minutes.</p>`
      : html`<p>If the address can receive our emails, a confirmation link is on its way. Click it to start your digest.</p>
<p class="muted">Nothing arrived after a few minutes? Look in the spam folder, or <a href="/">try again</a>.</p>`,
  });
}

export interface ConfirmedDetails {
  kind: 'confirmed' | 'lists_added' | 'already_confirmed';
  lists: string[];
  schedule: string;
  preferencesUrl: string;
}

export function renderConfirmed(details: ConfirmedDetails): string {
  const heading = {
    confirmed: 'You are subscribed',
    lists_added: 'Your new lists are confirmed',
    already_confirmed: 'Already confirmed',
  }[details.kind];
  const lead = {
    confirmed: 'Thanks for confirming. Your first digest will arrive with the next batch of trending papers.',
    lists_added: 'Thanks for confirming. These lists are now part of your digest.',
    already_confirmed: 'This subscription was already confirmed: there is nothing more to do.',
  }[details.kind];
  return renderMessagePage({
    title: heading,
    heading,
    tone: 'success',
    body: html`<p>${lead}</p>
${details.lists.length ? html`<ul class="pill-list" aria-label="Your lists">${details.lists.map((name) => html`<li>${name}</li>`)}</ul>` : ''}
<p>Your digest arrives ${details.schedule}.</p>
<p><a class="button button-secondary" href="${details.preferencesUrl}">Change lists or schedule</a></p>`,
  });
}

const LINK_PROBLEMS = {
  expired: 'This confirmation link has expired',
  superseded: 'This link is from before you unsubscribed',
  not_found: 'This subscription no longer exists',
  invalid: 'This link does not work',
} as const;

export type LinkProblem = keyof typeof LINK_PROBLEMS;

/** A bad link: says why and offers a new email (a renew button when the link was ours but expired). */
export function renderInvalidLink(problem: LinkProblem, renew?: { action: string; csrfToken: string }): string {
  const offer = renew
    ? html`<form method="post" action="${renew.action}" class="inline-form">
  ${csrfField(renew.csrfToken)}
  <button type="submit" class="button button-primary">Email me a new link</button>
</form>`
    : html`<p><a class="button button-primary" href="/">Sign up again</a></p>`;
  const explanation =
    problem === 'invalid'
      ? 'The link may have been cut short or changed on the way. Copy the whole link from the email, or sign up again to get a new one.'
      : problem === 'expired'
        ? 'Confirmation links work for 7 days. We can send you a fresh one.'
        : 'To receive digests again, sign up once more and confirm from the new email.';
  return renderMessagePage({
    title: LINK_PROBLEMS[problem],
    heading: LINK_PROBLEMS[problem],
    tone: 'error',
    body: html`<p>${explanation}</p>${offer}`,
  });
}

export function renderErrorPage(status: number, message: string): string {
  const heading =
    status === 403
      ? 'This form has expired'
      : status === 413
        ? 'That was too much text'
        : status === 429
          ? 'Too many attempts'
          : status >= 500
            ? 'Something went wrong on our side'
            : 'Something is not right';
  return renderMessagePage({
    title: heading,
    heading,
    tone: 'error',
    body: html`<p>${message}</p><p><a class="button button-secondary" href="/">Back to the start</a></p>`,
  });
}
