// The plain-text part, written for reading rather than derived from the
// HTML: headings that stand out, every link on its own line, and no
// preheader. Built from the same view model as the HTML, part by part, so
// it is assembled from cached cards the same way.
import type { DigestView, PaperCard } from './view-model.js';

const WIDTH = 78;

/** Greedy word wrap; words longer than the width stay whole (URLs). */
export function wrap(text: string, indent = ''): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

function underline(text: string, char: string): string {
  return `${text}\n${char.repeat(Math.min(WIDTH, [...text].length))}`;
}

export interface TextLinks {
  view: string;
  preferences: string;
  unsubscribe: string;
}

export function textStart(view: Pick<DigestView, 'heading' | 'periodLabel' | 'intro'>, links: TextLinks): string {
  return `PAPERBOY · ${view.periodLabel}\n\n${underline(view.heading, '=')}\n\n${wrap(view.intro)}\n\nView in your browser:\n${links.view}\n\n`;
}

export function textSection(title: string): string {
  return `\n${underline(title, '-')}\n\n`;
}

export function metaLine(card: PaperCard): string {
  return [card.authors, card.organization ?? '', `▲ ${card.upvotes}`].filter(Boolean).join(' · ');
}

/** A card's "Why:" lines: the renderer fills them in per email, the rest of the card is per paper. */
export function textReason(reason: string): string {
  return wrap(`Why: ${reason}`, '  ');
}

export function textCard(
  card: PaperCard,
  reason: string,
  options: { lead: boolean; feedback?: { up: string; down: string } },
): string {
  const lines = [
    options.lead
      ? `${underline('Top paper for you', '-')}\n\n${wrap(card.title)}`
      : wrap(`* ${card.title}`).replace(/\n/g, '\n  '),
    wrap(metaLine(card), '  '),
    '',
    wrap(card.summary, '  '),
  ];
  if (reason) lines.push('', textReason(reason));
  lines.push('');
  for (const link of card.links) lines.push(`  ${link.label}: ${link.url}`);
  if (options.feedback)
    lines.push(`  More like this: ${options.feedback.up}`, `  Less like this: ${options.feedback.down}`);
  return `${lines.join('\n')}\n\n`;
}

export function textMore(moreText: string, view: string): string {
  return `\n${wrap(moreText)}\nSee them all in your browser:\n${view}\n\n`;
}

export function textEnd(links: TextLinks, schedule: string): string {
  return `--\n${schedule} because you subscribed to Paperboy.\n\nChange your lists or schedule:\n${links.preferences}\n\nUnsubscribe:\n${links.unsubscribe}\n`;
}
