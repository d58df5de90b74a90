// GET|POST /preferences/:token : lists and schedule, and the way out.
import type { PreferencesView } from '../../subscriptions/preferences.js';
import type { FieldErrors } from './form-errors.js';
import { csrfField, errorSummary, renderListChoices, renderScheduleFields } from './form-fields.js';
import { html } from './html.js';
import { interestValues, renderInterestFields, type InterestValues } from './interest-fields.js';
import { renderLayout } from './layout.js';

export interface PreferencesPageData {
  view: PreferencesView;
  action: string;
  unsubscribeAction: string;
  csrfToken: string;
  errors?: FieldErrors;
  /** What the reader sent, when re-rendering after an error. */
  values?: {
    lists?: string[];
    frequency?: string;
    weekday?: string;
    sendHour?: string;
    timezone?: string;
    interests?: InterestValues;
  };
  saved?: boolean;
}

function statusNotice(view: PreferencesView, data: PreferencesPageData) {
  if (view.status === 'pending') {
    return html`<p class="notice">Your subscription is waiting for confirmation: click the link in the email we sent you. You can already set your preferences here.</p>`;
  }
  if (view.status !== 'active') {
    return html`<div class="notice notice-warn">
  <p>You are unsubscribed and receive no digests. To come back, we send a confirmation email first.</p>
  <form method="post" action="${data.action}" class="inline-form">
    ${csrfField(data.csrfToken)}
    <input type="hidden" name="action" value="resubscribe">
    <button type="submit" class="button button-secondary">Subscribe again</button>
  </form>
</div>`;
  }
  return html``;
}

export function renderPreferencesPage(data: PreferencesPageData): string {
  const { view } = data;
  const errors = data.errors ?? {};
  const values = data.values ?? {};
  const selected = values.lists ?? view.lists.filter((list) => list.selected).map((list) => list.slug);
  const body = html`<section class="narrow">
  <h1>Your preferences</h1>
  ${data.saved ? html`<p class="notice notice-success" role="status">Saved. Your next digest follows these settings.</p>` : ''}
  ${statusNotice(view, data)}
  <form class="card" method="post" action="${data.action}" novalidate>
    ${errorSummary(errors)}
    ${csrfField(data.csrfToken)}
    ${renderListChoices(
      view.lists.map((list) => ({
        slug: list.slug,
        name: list.name,
        description: list.description,
        checked: selected.includes(list.slug),
        note: list.awaitingConfirmation ? 'awaiting confirmation' : undefined,
      })),
      errors,
      'Lists',
    )}
    ${renderScheduleFields(
      {
        frequency: values.frequency ?? view.frequency,
        weekday: values.weekday ?? String(view.weekday),
        sendHour: values.sendHour ?? String(view.sendHour),
        timezone: values.timezone ?? view.timezone,
        timezoneIsDefault: false,
      },
      errors,
    )}
    ${renderInterestFields(values.interests ?? interestValues(view.interests, view.papersPerEmail), errors)}
    <button type="submit" class="button button-primary">Save preferences</button>
  </form>
  ${
    view.status === 'active' || view.status === 'pending'
      ? html`<form class="card danger-zone" method="post" action="${data.unsubscribeAction}">
    ${csrfField(data.csrfToken)}
    <h2>Unsubscribe from everything</h2>
    <p>You will get no more digests. You can come back any time.</p>
    <button type="submit" class="button button-danger">Unsubscribe from all lists</button>
  </form>`
      : ''
  }
  <form class="card" method="post" action="${data.action}">
    ${csrfField(data.csrfToken)}
    <input type="hidden" name="action" value="revoke_links">
    <h2>Sign out all links</h2>
    <p>Forwarded an email by mistake? This stops every link we have sent you, this page's included. Your next email brings new ones.</p>
    <button type="submit" class="button button-secondary">Sign out all links</button>
  </form>
</section>`;
  return renderLayout({ title: 'Your preferences', noindex: true, withFormScript: true }, body);
}
