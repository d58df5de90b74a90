// GET /unsubscribe/:token shows this page and changes nothing: link scanners
// and previews follow GET links, so only the button (a POST) unsubscribes.
import { csrfField } from './form-fields.js';
import { html } from './html.js';
import { renderMessagePage } from './message-pages.js';

export function renderUnsubscribeConfirm(data: { action: string; csrfToken: string; preferencesUrl: string }): string {
  return renderMessagePage({
    title: 'Unsubscribe',
    heading: 'Unsubscribe from Paperboy?',
    body: html`<p>You will stop receiving digests from every list.</p>
<form method="post" action="${data.action}" class="inline-form">
  ${csrfField(data.csrfToken)}
  <button type="submit" class="button button-danger">Yes, unsubscribe me</button>
</form>
<p class="muted">Too many emails? <a href="${data.preferencesUrl}">Switch to weekly or pick fewer lists</a> instead.</p>`,
  });
}

export function renderUnsubscribed(data: { preferencesUrl: string }): string {
  return renderMessagePage({
    title: 'You are unsubscribed',
    heading: 'You are unsubscribed',
    tone: 'success',
    body: html`<p>You will not receive any more digests. Sorry to see you go.</p>
<p class="muted">Changed your mind? <a href="${data.preferencesUrl}">Subscribe again from your preferences</a>.</p>`,
  });
}
