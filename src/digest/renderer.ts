// Digest rendering. MJML is compiled once per process (digest-template.ts);
// each paper's card is filled and MIME-encoded once and kept while its paper
// object lives, with a hole for the reader's reason (email-parts.ts); an
// email is assembled from those cached fragments, and per subscriber only
// link holes and a few headers are filled. The HTML as sent stays within HTML_BUDGET: cards past
// it move to the "N more papers" line, which links to the web view.
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import { describeSchedule, type Schedule } from '../subscriptions/schedule-text.js';
import { AUTO_SUBMITTED, BULK, feedbackId, foldHeader, listHeaders, listIdFor, subjectLine } from '../mail/headers.js';
import {
  base64Size,
  compileMime,
  encodeAddress,
  encodeHeaderText,
  fragment,
  isSlot,
  joinBody,
  splitSlots,
  type BodyPiece,
  type MimeTemplate,
} from '../mail/mime.js';
import { escapeHtml } from '../mail/templates.js';
import type { DigestTemplate } from './digest-template.js';
import { textEnd, textMore, textSection, textStart } from './digest-text.js';
import { createCardCache, measured, memo, type Measured } from './email-parts.js';
import { buildDigestView, type DigestPaper, type DigestView, type SectionInput } from './view-model.js';

export type { DigestPaper } from './view-model.js';
export { loadDigestTemplate } from './digest-template.js';

export interface PersonalLinks {
  view: string;
  preferences: string;
  unsubscribe: string;
}

/** Who an email is for: their feedback links and the schedule line of the footer. */
export interface Reader {
  subscriberId?: number;
  schedule?: Schedule;
}

/** "You get this email every day at 07:00 Eastern Time (New York)" */
export function scheduleLine(schedule: Schedule | undefined): string {
  return schedule ? `You get this email ${describeSchedule(schedule)}` : 'You get this email';
}

export interface FeedbackVote {
  subscriberId: number;
  paperId: number;
  vote: 'up' | 'down';
}

export interface RendererDeps {
  /** The signed "more / less like this" link; without it cards carry no feedback links. */
  feedbackUrl?: (vote: FeedbackVote) => string;
}

export interface GroupInput {
  period: string;
  sections: SectionInput[];
  papers: Map<number, DigestPaper>;
  /** The reader has had no digest before: no "since your last digest". */
  first?: boolean;
  /** Matched papers already left out (papers per email); budget cuts add to it. */
  moreCount?: number;
}

export interface RenderedGroup {
  subject: string;
  /** Bodies with link holes; personalize() and fillLinks() fill them. */
  html: BodyPiece[];
  text: BodyPiece[];
  mime: MimeTemplate;
  /** Papers in the email, lead first: each has feedback holes. */
  paperIds: number[];
  paperCount: number;
  moreCount: number;
  /** The HTML part as sent (after transfer encoding), each link counted at SLOT_BYTES. */
  htmlBytes: number;
}

export type RendererConfig = Pick<Config, 'publicUrl' | 'mailFrom' | 'unsubscribeMailto'>;

/** Gmail clips a message whose HTML passes ~102 KB; this leaves room for headers and long links. */
export const HTML_BUDGET = 90 * 1024;
/** What one filled link is assumed to take as sent: signed links are ~150 characters. */
const SLOT_BYTES = 300;

/** Characters of the subject before the date: short enough for a phone's inbox line. */
export const SUBJECT_MAX_BEFORE_DATE = 68;

/**
 * Names the lead paper (the reader's best: the top of the most personal
 * section), shortened so that the subject before the date stays within
 * SUBJECT_MAX_BEFORE_DATE characters.
 */
export function subjectFor(period: string, view: Pick<DigestView, 'lead' | 'paperCount'>): string {
  const count = view.paperCount;
  const top = (view.lead?.paper.title ?? 'Trending papers').replace(/\s+/g, ' ').trim();
  const rest = `${count > 1 ? ` +${count - 1} more` : ''} · `;
  const room = SUBJECT_MAX_BEFORE_DATE - rest.length;
  const title = top.length > room ? `${top.slice(0, room - 1).trimEnd()}…` : top;
  return subjectLine(`${title}${rest}${period}`);
}

export interface DigestRenderer {
  renderGroup(input: GroupInput): RenderedGroup;
  /** The raw RFC 5322 message for one subscriber, as chunks (shared group parts + its own). */
  personalize(
    group: RenderedGroup,
    input: {
      to: string;
      subscriberId: number;
      schedule?: Schedule;
      messageId: string;
      links: PersonalLinks;
      date?: Date;
    },
  ): Buffer[];
  /** Subject, HTML and text with real links (preview). */
  fillLinks(
    group: RenderedGroup,
    links: PersonalLinks,
    reader?: Reader,
  ): { subject: string; html: string; text: string };
  /** The model the email is drawn from, for the view-in-browser page. */
  view(input: GroupInput): DigestView;
}

/** Bytes of HTML as sent, in the cheaper of the two encodings. */
function sentBytes(total: { qp: number; raw: number; slots: number }): number {
  const slotBytes = total.slots * SLOT_BYTES;
  return Math.min(total.qp + slotBytes, base64Size(total.raw + slotBytes));
}

/** The view's fields the email's start shows (templates/email/digest.mjml). */
const START_VALUES = ['subject', 'preheader', 'periodLabel', 'heading', 'intro'] as const;
type StartValue = (typeof START_VALUES)[number];

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function createDigestRenderer(
  template: DigestTemplate,
  config: RendererConfig,
  deps: RendererDeps = {},
): DigestRenderer {
  // Random per process: a paper title cannot contain a marker by accident or on purpose.
  const prefix = `https://slot.invalid/pb${randomBytes(8).toString('hex')}/`;
  const markers: PersonalLinks = {
    view: `${prefix}view`,
    preferences: `${prefix}preferences`,
    unsubscribe: `${prefix}unsubscribe`,
  };
  const from = encodeAddress(config.mailFrom);
  const listId = listIdFor(config.publicUrl);
  const feedbackUrl = deps.feedbackUrl;

  const cards = createCardCache(template, { publicUrl: config.publicUrl, prefix, feedback: Boolean(feedbackUrl) });
  // Headings and "N more papers" lines recur in nearly every email: encoded once each.
  const sectionParts = memo((title: string) =>
    measured(splitSlots(template.section({ title }), prefix), splitSlots(textSection(title), prefix)),
  );
  const moreText = (n: number) => `${plural(n, 'more paper')} matched your lists.`;
  const moreParts = memo((n: number) =>
    measured(
      splitSlots(template.more({ moreText: moreText(n), links: markers }), prefix),
      splitSlots(textMore(moreText(n), markers.view), prefix),
    ),
  );
  const scheduleMarker = `${prefix}schedule`;
  const endParts = measured(
    splitSlots(template.end({ links: markers, schedule: scheduleMarker }), prefix),
    splitSlots(textEnd(markers, scheduleMarker), prefix),
  );

  // The start (the head with its styles, ~7 KB) is the same in every email
  // but for these values: it is encoded once with a hole for each, and an
  // email encodes only its own values. The template may use no other field
  // (handlebars' strict mode refuses one here, at start-up).
  const startHtml = splitSlots(
    template.start({ ...Object.fromEntries(START_VALUES.map((n) => [n, `${prefix}value-${n}`])), links: markers }),
    prefix,
  );

  function startParts(view: DigestView, subject: string): Measured {
    const values: Record<StartValue, string> = { ...view, subject };
    const html = startHtml.map((piece) =>
      isSlot(piece) && piece.slot.startsWith('value-')
        ? fragment(escapeHtml(values[piece.slot.slice('value-'.length) as StartValue]))
        : piece,
    );
    return measured(html, splitSlots(textStart(view, markers), prefix));
  }

  function view(input: GroupInput): DigestView {
    return buildDigestView({ ...input, first: input.first ?? false, publicUrl: config.publicUrl, card: cards.card });
  }

  return {
    view,

    renderGroup(input) {
      const full = view(input);
      const fullSubject = subjectFor(input.period, full);
      const fullStart = startParts(full, fullSubject);
      // Fixed costs first, the "more" line at its widest, then cards in order until the budget is spent.
      const fixed = [fullStart, endParts, moreParts(99_999)];
      // The intro's count and the subject may change by a few characters after the cut.
      const total = { qp: 512, raw: 512, slots: 0 };
      const add = (m: Measured) => {
        total.qp += m.qp;
        total.raw += m.raw;
        total.slots += m.slots;
      };
      fixed.forEach(add);
      const fits = (...more: Measured[]) =>
        sentBytes(more.reduce((t, m) => ({ qp: t.qp + m.qp, raw: t.raw + m.raw, slots: t.slots + m.slots }), total)) <=
        HTML_BUDGET;

      const body: Measured[] = [];
      const kept: DigestView = { ...full, sections: [] };
      let room = true;
      if (full.lead) {
        const parts = cards.parts(input.papers.get(full.lead.paper.paperId)!, full.lead.reason, true);
        // The lead always goes in: paperCard caps every field, so one card is a few KB.
        add(parts);
        body.push(parts);
      }
      for (const section of full.sections) {
        if (!room) break;
        const heading = sectionParts(section.title);
        const keptCards: typeof section.cards = [];
        const sectionBody: Measured[] = [];
        for (const c of section.cards) {
          const parts = cards.parts(input.papers.get(c.paper.paperId)!, c.reason, false);
          if (!(keptCards.length ? fits(parts) : fits(heading, parts))) {
            room = false;
            break;
          }
          if (!keptCards.length) {
            add(heading);
            sectionBody.push(heading);
          }
          add(parts);
          sectionBody.push(parts);
          keptCards.push(c);
        }
        if (keptCards.length) {
          kept.sections.push({ ...section, cards: keptCards });
          body.push(...sectionBody);
        }
      }
      const paperCount = (full.lead ? 1 : 0) + kept.sections.reduce((n, s) => n + s.cards.length, 0);
      const moreCount = full.moreCount + (full.paperCount - paperCount);
      // Nearly always every card fits: then the email's start is the one already built.
      const cut = paperCount !== full.paperCount;
      const final = cut ? view({ ...input, moreCount, sections: keptSectionsInput(input, kept) }) : full;
      const subject = cut ? subjectFor(input.period, final) : fullSubject;
      const parts = [
        cut ? startParts(final, subject) : fullStart,
        ...body,
        ...(moreCount > 0 ? [moreParts(moreCount)] : []),
        endParts,
      ];
      const html = parts.flatMap((p) => p.html);
      const text = parts.flatMap((p) => p.text);
      const mime = compileMime({
        headers: [
          ['From', from],
          ['Subject', encodeHeaderText(subject)],
          ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
          ['List-Id', listId],
          ['Precedence', BULK.Precedence],
          ['Auto-Submitted', AUTO_SUBMITTED['Auto-Submitted']],
          ['Feedback-ID', feedbackId(input.period, 'digest', config.publicUrl)],
        ],
        perMessageHeaders: ['To', 'Date', 'Message-ID', 'List-Unsubscribe'],
        text,
        html,
        slotBytes: SLOT_BYTES,
      });
      const paperIds = [
        ...(final.lead ? [final.lead.paper.paperId] : []),
        ...final.sections.flatMap((s) => s.cards.map((c) => c.paper.paperId)),
      ];
      return { subject, html, text, mime, paperIds, paperCount, moreCount, htmlBytes: sentBytes(measured(html, [])) };
    },

    personalize(group, { to, subscriberId, schedule, messageId, links, date = new Date() }) {
      const unsubscribe = listHeaders({
        unsubscribeUrl: links.unsubscribe,
        unsubscribeMailto: config.unsubscribeMailto,
        listId,
      });
      return group.mime.fill(
        {
          To: encodeAddress(to),
          Date: date.toUTCString().replace('GMT', '+0000'),
          'Message-ID': messageId,
          'List-Unsubscribe': foldHeader('List-Unsubscribe', unsubscribe['List-Unsubscribe']!),
        },
        slotsFor(group, links, { subscriberId, schedule }),
      );
    },

    fillLinks(group, links, reader = {}) {
      const slots = slotsFor(group, links, reader);
      return {
        subject: group.subject,
        html: joinBody(group.html, slots, true),
        text: joinBody(group.text, slots, false),
      };
    },
  };

  function slotsFor(
    group: RenderedGroup,
    links: PersonalLinks,
    { subscriberId, schedule }: Reader,
  ): Record<string, string> {
    const slots: Record<string, string> = {
      view: links.view,
      preferences: links.preferences,
      unsubscribe: links.unsubscribe,
      schedule: scheduleLine(schedule),
    };
    if (!feedbackUrl) return slots;
    if (subscriberId === undefined) throw new Error('feedback links need the subscriber id');
    for (const paperId of group.paperIds) {
      slots[`up-${paperId}`] = feedbackUrl({ subscriberId, paperId, vote: 'up' });
      slots[`down-${paperId}`] = feedbackUrl({ subscriberId, paperId, vote: 'down' });
    }
    return slots;
  }
}

/** The input sections narrowed to the cards the budget kept (the lead stays where it was). */
function keptSectionsInput(input: GroupInput, kept: DigestView): SectionInput[] {
  const keep = new Set(kept.sections.flatMap((s) => s.cards.map((c) => c.paper.paperId)));
  if (kept.lead) keep.add(kept.lead.paper.paperId);
  return input.sections.map((s) => ({ ...s, cards: s.cards.filter((c) => keep.has(c.paperId)) }));
}
