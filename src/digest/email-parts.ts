// The cached pieces a digest email is assembled from (renderer.ts): each
// paper's card, filled and MIME-encoded once while its paper object lives,
// and the small parts that recur across emails. A card's reason ("For you:
// matches …, also in …") is the reader's own, so it is a hole in the cached
// card, filled from fragments encoded once per distinct reason.
import { fragment, isSlot, splitSlots, type BodyPiece, type Fragment } from '../mail/mime.js';
import { escapeHtml } from '../mail/templates.js';
import type { DigestTemplate } from './digest-template.js';
import { metaLine, textCard, textReason } from './digest-text.js';
import { paperCard, type DigestPaper, type PaperCard } from './view-model.js';

/** Body pieces of both parts, with the HTML's encoded sizes and holes counted for the byte budget. */
export interface Measured {
  html: BodyPiece[];
  text: BodyPiece[];
  qp: number;
  raw: number;
  slots: number;
}

export function measured(html: BodyPiece[], text: BodyPiece[]): Measured {
  let qp = 0;
  let raw = 0;
  let slots = 0;
  for (const piece of html) {
    if (isSlot(piece)) slots++;
    else {
      qp += piece.qp.length;
      raw += piece.raw.length;
    }
  }
  return { html, text, qp, raw, slots };
}

/** build() once per key, kept; bounded, since a long-lived process sees many reasons and titles. */
export function memo<K, V>(build: (key: K) => V, limit = 10_000): (key: K) => V {
  const known = new Map<K, V>();
  return (key) => {
    let value = known.get(key);
    if (value === undefined) {
      if (known.size >= limit) known.clear();
      known.set(key, (value = build(key)));
    }
    return value;
  };
}

/** The hole a cached card leaves for the reason it is shown with. */
const REASON_SLOT = 'reason';

export interface CardCache {
  /** The per-paper view of a card (the same in every email). */
  card: (paper: DigestPaper) => PaperCard;
  /** The card's parts with this reason filled in. */
  parts: (paper: DigestPaper, reason: string, lead: boolean) => Measured;
}

/**
 * `prefix` marks holes (see splitSlots); with `feedback`, cards carry the
 * `up-<id>` and `down-<id>` holes that personalize() fills per subscriber.
 */
export function createCardCache(
  template: DigestTemplate,
  options: { publicUrl: string; prefix: string; feedback: boolean },
): CardCache {
  const { prefix } = options;
  // Per paper object: a worker loads a digest's papers once for the batches
  // it sends within a short time (send-content.ts), so a card is rendered
  // once per load and dropped with that load's papers.
  const cards = new WeakMap<DigestPaper, { card: PaperCard; parts: Map<string, Measured> }>();
  const entryFor = (paper: DigestPaper) => {
    let entry = cards.get(paper);
    if (!entry) {
      entry = { card: paperCard(paper, options.publicUrl), parts: new Map() };
      cards.set(paper, entry);
    }
    return entry;
  };
  const reasonMarker = `${prefix}${REASON_SLOT}`;

  function body(paper: DigestPaper, withReason: boolean, lead: boolean): Measured {
    const entry = entryFor(paper);
    const key = `${lead ? 'lead' : 'card'}${withReason ? '+reason' : ''}`;
    let parts = entry.parts.get(key);
    if (!parts) {
      const card = entry.card;
      const feedback = options.feedback
        ? { up: `${prefix}up-${paper.id}`, down: `${prefix}down-${paper.id}` }
        : undefined;
      const reason = withReason ? reasonMarker : '';
      const html = template[lead ? 'lead' : 'card']({ paper: card, meta: metaLine(card), reason, feedback });
      // The whole "Why:" paragraph is the hole: how it wraps depends on the reason.
      const text = textCard(card, reason, { lead, feedback }).replace(textReason(reasonMarker), reasonMarker);
      parts = measured(splitSlots(html, prefix), splitSlots(text, prefix));
      entry.parts.set(key, parts);
    }
    return parts;
  }

  const reasonParts = memo((reason: string) => ({
    html: fragment(escapeHtml(reason)),
    text: fragment(textReason(reason)),
  }));

  return {
    card: (paper) => entryFor(paper).card,
    parts: (paper, reason, lead) => {
      const cached = body(paper, reason !== '', lead);
      if (!reason) return cached;
      const fill = reasonParts(reason);
      const at = (piece: BodyPiece, by: Fragment) => (isSlot(piece) && piece.slot === REASON_SLOT ? by : piece);
      return measured(
        cached.html.map((p) => at(p, fill.html)),
        cached.text.map((p) => at(p, fill.text)),
      );
    },
  };
}
