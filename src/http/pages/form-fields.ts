// Form parts shared by the sign-up and preference pages: list checkboxes and
// the schedule (frequency, weekday, hour, time zone). Labels are real
// <label>s, groups are fieldsets, errors are tied to fields by aria.
import { WEEKDAYS, timeZoneNames } from '../../subscriptions/subscriber-input.js';
import { hourLabel } from '../../subscriptions/schedule-text.js';
import { CSRF_FIELD } from '../csrf.js';
import { attr, html, SafeHtml } from './html.js';
import type { FieldErrors } from './form-errors.js';

export interface ListChoice {
  slug: string;
  name: string;
  description: string;
  checked: boolean;
  note?: string;
}

export interface ScheduleValues {
  frequency: string;
  weekday: string;
  sendHour: string;
  timezone: string;
  /** True when the time zone is the server default, so the script may replace it with the browser's. */
  timezoneIsDefault: boolean;
}

export const FIELD_LABELS: Record<string, string> = {
  email: 'Email address',
  lists: 'Lists',
  frequency: 'How often',
  weekday: 'Weekday',
  sendHour: 'Send hour',
  timezone: 'Time zone',
  include: 'Topics you want',
  exclude: 'Topics to leave out',
  authors: 'Authors you follow',
  categories: 'arXiv categories',
  papersPerEmail: 'Papers per email',
  form: 'Form',
};

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}

export function fieldError(errors: FieldErrors, field: string): SafeHtml {
  const message = errors[field];
  return message ? html`<p class="field-error" id="${field}-error">${message}</p>` : html``;
}

export function describedBy(errors: FieldErrors, field: string, hint?: string): SafeHtml {
  const ids = [errors[field] ? `${field}-error` : '', hint ?? ''].filter(Boolean).join(' ');
  return html`${ids ? html` aria-describedby="${ids}"` : ''}${errors[field] ? html` aria-invalid="true"` : ''}`;
}

export function errorSummary(errors: FieldErrors): SafeHtml {
  const entries = Object.entries(errors);
  if (!entries.length) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1">
  <h2>Please check the form</h2>
  <ul>${entries.map(([field, message]) => html`<li><a href="#${field === 'lists' ? 'lists-group' : field}">${FIELD_LABELS[field] ?? field}: ${message}</a></li>`)}</ul>
</div>`;
}

export function renderListChoices(lists: ListChoice[], errors: FieldErrors, legend: string): SafeHtml {
  if (!lists.length) {
    return html`<p class="muted">No lists are open for sign-up yet. Please come back soon.</p>`;
  }
  return html`<fieldset class="list-choices" id="lists-group"${describedBy(errors, 'lists')}>
  <legend>${legend}</legend>
  ${fieldError(errors, 'lists')}
  <div class="choice-grid">
  ${lists.map(
    (list, i) => html`<div class="choice">
    <input type="checkbox" id="list-${i}" name="lists" value="${list.slug}"${attr('checked', list.checked)} aria-describedby="list-${i}-desc">
    <label for="list-${i}"><span class="choice-name">${list.name}</span>${list.note ? html` <span class="badge">${list.note}</span>` : ''}
      <span class="choice-desc" id="list-${i}-desc">${list.description || 'Papers picked for this list.'}</span></label>
  </div>`,
  )}
  </div>
</fieldset>`;
}

// The ~420 time zone options are the same on every page but for the one
// selected: rendered (and escaped) once, not on every GET /.
let zoneOptions: { html: string[]; index: Map<string, number> } | undefined;

function timeZoneOptions(selected: string): SafeHtml {
  zoneOptions ??= (() => {
    const zones = timeZoneNames();
    return {
      html: zones.map((zone) => html`<option value="${zone}">${zone.replace(/_/g, ' ')}</option>`.value),
      index: new Map(zones.map((zone, i) => [zone, i])),
    };
  })();
  const i = zoneOptions.index.get(selected);
  if (i === undefined) {
    // Not a known zone (a re-rendered form): keep what was typed, escaped, selected.
    return html`${new SafeHtml(zoneOptions.html.join(''))}<option value="${selected}" selected>${selected}</option>`;
  }
  const options = zoneOptions.html.slice();
  // The value is escaped, so the first '>' closes the opening tag.
  options[i] = options[i]!.replace('>', ' selected>');
  return new SafeHtml(options.join(''));
}

export function renderScheduleFields(values: ScheduleValues, errors: FieldErrors): SafeHtml {
  const hours = Array.from({ length: 24 }, (_, hour) => hour);
  return html`<fieldset class="schedule">
  <legend>When should it arrive?</legend>
  <div class="segmented" role="radiogroup" aria-label="How often"${describedBy(errors, 'frequency')}>
    <input type="radio" id="frequency-daily" name="frequency" value="daily"${attr('checked', values.frequency !== 'weekly')}>
    <label for="frequency-daily">Daily</label>
    <input type="radio" id="frequency-weekly" name="frequency" value="weekly"${attr('checked', values.frequency === 'weekly')}>
    <label for="frequency-weekly">Weekly</label>
  </div>
  ${fieldError(errors, 'frequency')}
  <div class="field-row">
    <div class="field" data-weekday-field>
      <label for="weekday">Weekday <span class="muted">(weekly only)</span></label>
      <select id="weekday" name="weekday"${describedBy(errors, 'weekday')}>
        ${WEEKDAYS.map((day, i) => html`<option value="${i}"${attr('selected', values.weekday === String(i))}>${day}</option>`)}
      </select>
      ${fieldError(errors, 'weekday')}
    </div>
    <div class="field">
      <label for="sendHour">Send hour</label>
      <select id="sendHour" name="sendHour"${describedBy(errors, 'sendHour')}>
        ${hours.map((hour) => html`<option value="${hour}"${attr('selected', values.sendHour === String(hour))}>${hourLabel(hour)}</option>`)}
      </select>
      ${fieldError(errors, 'sendHour')}
    </div>
    <div class="field field-wide">
      <label for="timezone">Time zone</label>
      <select id="timezone" name="timezone" autocomplete="off" data-default="${values.timezoneIsDefault ? 'true' : 'false'}"${describedBy(errors, 'timezone')}>
        ${timeZoneOptions(values.timezone)}
      </select>
      ${fieldError(errors, 'timezone')}
    </div>
  </div>
</fieldset>`;
}
