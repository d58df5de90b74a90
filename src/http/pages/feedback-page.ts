// GET /feedback/:token shows this page and records nothing: mail scanners
// and link previews follow every GET, so only the button (a POST) votes.
import type { Vote } from '../../subscriptions/tokens.js';
import { html } from './html.js';
import { renderMessagePage } from './message-pages.js';

const WORDING: Record<Vote, { heading: string; button: string; done: string; undo: string }> = {
  up: {
    heading: 'More papers like this one?',
    button: 'Yes, more like this',
    done: 'You will see more papers like',
    undo: 'More like this',
  },
  down: {
    heading: 'Fewer papers like this one?',
    button: 'Yes, less like this',
    done: 'You will see fewer papers like',
    undo: 'Less like this',
  },
};

export function renderFeedbackConfirm(data: { vote: Vote; paperTitle: string; action: string }): string {
  const words = WORDING[data.vote];
  return renderMessagePage({
    title: words.heading,
    heading: words.heading,
    body: html`<p class="paper-title">${data.paperTitle}</p>
<p>Your digests learn from what you like and dislike.</p>
<form method="post" action="${data.action}" class="inline-form">
  <button type="submit" class="button button-primary">${words.button}</button>
</form>`,
  });
}

export function renderFeedbackRecorded(data: {
  vote: Vote;
  paperTitle: string;
  undoAction: string;
  preferencesUrl: string;
}): string {
  const other = WORDING[data.vote === 'up' ? 'down' : 'up'];
  return renderMessagePage({
    title: 'Thanks, noted',
    heading: 'Thanks, noted',
    tone: 'success',
    body: html`<p>${WORDING[data.vote].done} “${data.paperTitle}”.</p>
<form method="post" action="${data.undoAction}" class="inline-form">
  <span class="muted">Changed your mind?</span>
  <button type="submit" class="button button-secondary">${other.undo}</button>
</form>
<p class="muted"><a href="${data.preferencesUrl}">Change your lists or schedule</a></p>`,
  });
}
