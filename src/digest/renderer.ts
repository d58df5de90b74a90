// Group rendering: one content group (same sections, same papers) is filled
// into the compiled MJML once, turned into text once and pre-encoded as MIME
// once, with markers where each subscriber's links go. Per email only the
// markers and a few headers are filled (string joins, no template work).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import { AUTO_SUBMITTED, BULK, feedbackId, foldHeader, listHeaders, listIdFor, subjectLine } from '../mail/headers.js';
import { compileMime, encodeAddress, encodeHeaderText, type MimeTemplate } from '../mail/mime.js';
import { compileEmailTemplate, htmlToText, TEMPLATES_DIR, type EmailTemplate } from '../mail/templates.js';
import type { Section } from './reader-digest.js';

export interface DigestPaper {
  id: number;
  arxivId: string | null;
  title: string;
  abstract: string;
  authors: string[];
  authorCount: number;
  organization: string | null;
  upvotes: number;
  url: string | null;
  pdfUrl: string | null;
  githubRepo: string | null;
  projectPage: string | null;
}

export interface PersonalLinks {
  view: string;
  preferences: string;
  unsubscribe: string;
}

export interface RenderedGroup {
  subject: string;
  /** HTML and text with link markers; personalize() fills them. */
  html: string;
  text: string;
  mime: MimeTemplate;
  paperCount: number;
}

export type RendererConfig = Pick<Config, 'publicUrl' | 'mailFrom' | 'unsubscribeMailto'>;

const ABSTRACT_CHARS = 300;

let loading: Promise<EmailTemplate> | undefined;

/** Compiles templates/email/digest.mjml once per process (MJML costs ~10 ms a compile). */
export function loadDigestTemplate(dir = TEMPLATES_DIR): Promise<EmailTemplate> {
  loading ??= readFile(path.join(dir, 'digest.mjml'), 'utf8').then((mjml) => compileEmailTemplate('digest', mjml));
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

function safeUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

function codeUrl(repo: string | null): string | null {
  if (repo && /^[\w.-]+\/[\w.-]+$/.test(repo)) return `https://github.com/${repo}`;
  return safeUrl(repo);
}

function snippet(text: string): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  if (folded.length <= ABSTRACT_CHARS) return folded;
  const cut = folded.slice(0, ABSTRACT_CHARS);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), ABSTRACT_CHARS - 40))}…`;
}

function metaLine(paper: DigestPaper): string {
  const authors = paper.authors.length
    ? `${paper.authors.slice(0, 3).join(', ')}${paper.authors.length > 3 ? ' et al.' : ''}`
    : paper.authorCount
      ? `${paper.authorCount} author${paper.authorCount === 1 ? '' : 's'}`
      : '';
  return [authors, paper.organization ?? '', `▲ ${paper.upvotes}`].filter(Boolean).join(' · ');
}

export function cardData(paper: DigestPaper, reason: string, publicUrl: string) {
  const arxiv = paper.arxivId ? encodeURIComponent(paper.arxivId) : null;
  const pdfUrl = safeUrl(paper.pdfUrl) ?? (arxiv ? `https://arxiv.org/pdf/${arxiv}` : null);
  const code = codeUrl(paper.githubRepo);
  const projectUrl = safeUrl(paper.projectPage);
  return {
    title: paper.title.replace(/\s+/g, ' ').trim(),
    url: safeUrl(paper.url) ?? (arxiv ? `https://arxiv.org/abs/${arxiv}` : publicUrl),
    meta: metaLine(paper),
    abstract: snippet(paper.abstract),
    reason,
    pdfUrl,
    codeUrl: code,
    projectUrl,
    hasLinks: Boolean(pdfUrl || code || projectUrl),
  };
}

function longDate(period: string): string {
  return new Date(`${period}T12:00:00Z`).toLocaleDateString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** Characters of the subject before the date: short enough for a phone's inbox line. */
export const SUBJECT_MAX_BEFORE_DATE = 68;

/**
 * Names the reader's best paper: the first card of the email (the top of
 * its most personal section), shortened so that the whole subject before the
 * date stays within SUBJECT_MAX_BEFORE_DATE characters.
 */
export function subjectFor(period: string, sections: Section[], papers: Map<number, DigestPaper>): string {
  const count = sections.reduce((n, s) => n + s.cards.length, 0);
  const top = (papers.get(sections[0]?.cards[0]?.paperId ?? -1)?.title ?? 'Trending papers').replace(/\s+/g, ' ').trim();
  const rest = `${count > 1 ? ` +${count - 1} more` : ''} · `;
  const room = SUBJECT_MAX_BEFORE_DATE - rest.length;
  const title = top.length > room ? `${top.slice(0, room - 1).trimEnd()}…` : top;
  return subjectLine(`${title}${rest}${period}`);
}

export interface DigestRenderer {
  renderGroup(input: { period: string; sections: Section[]; papers: Map<number, DigestPaper>; moreCount?: number }): RenderedGroup;
  /** The raw RFC 5322 message for one subscriber, as chunks (shared group parts + its own). */
  personalize(group: RenderedGroup, input: { to: string; messageId: string; links: PersonalLinks; date?: Date }): Buffer[];
  /** Subject, HTML and text with real links (preview, view in browser). */
  fillLinks(group: RenderedGroup, links: PersonalLinks): { subject: string; html: string; text: string };
}

export function createDigestRenderer(template: EmailTemplate, config: RendererConfig): DigestRenderer {
  // Random per process: a paper title cannot contain a marker by accident or on purpose.
  const nonce = randomBytes(8).toString('hex');
  const markers: PersonalLinks = {
    view: `https://slot.invalid/pb${nonce}/view`,
    preferences: `https://slot.invalid/pb${nonce}/preferences`,
    unsubscribe: `https://slot.invalid/pb${nonce}/unsubscribe`,
  };
  const from = encodeAddress(config.mailFrom);
  const listId = listIdFor(config.publicUrl);

  return {
    renderGroup({ period, sections, papers, moreCount = 0 }) {
      const paperCount = sections.reduce((n, s) => n + s.cards.length, 0);
      const subject = subjectFor(period, sections, papers);
      const html = template.html({
        subject,
        preheader: `${paperCount} new paper${paperCount === 1 ? '' : 's'} for you`,
        heading: `Your papers · ${longDate(period)}`,
        intro: `${paperCount} paper${paperCount === 1 ? '' : 's'} picked for you, in ${sections.length} section${sections.length === 1 ? '' : 's'}.`,
        brand: 'Paperboy',
        links: markers,
        more: moreCount > 0 ? `${moreCount} more paper${moreCount === 1 ? '' : 's'} matched` : null,
        sections: sections.map((s) => ({
          name: s.name,
          kind: s.kind,
          cards: s.cards.flatMap((c) => {
            const paper = papers.get(c.paperId);
            return paper ? [cardData(paper, c.reason, config.publicUrl)] : [];
          }),
        })),
      });
      const text = htmlToText(html);
      const mime = compileMime({
        headers: [
          ['From', from],
          ['Subject', encodeHeaderText(subject)],
          ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
          ['List-Id', listId],
          ['Precedence', BULK.Precedence],
          ['Auto-Submitted', AUTO_SUBMITTED['Auto-Submitted']],
          ['Feedback-ID', feedbackId(period, 'digest', config.publicUrl)],
        ],
        perMessageHeaders: ['To', 'Date', 'Message-ID', 'List-Unsubscribe'],
        text,
        html,
        slots: { ...markers },
      });
      return { subject, html, text, mime, paperCount };
    },

    personalize(group, { to, messageId, links, date = new Date() }) {
      const unsubscribe = listHeaders({ unsubscribeUrl: links.unsubscribe, unsubscribeMailto: config.unsubscribeMailto, listId });
      return group.mime.fill(
        { To: encodeAddress(to), Date: date.toUTCString().replace('GMT', '+0000'), 'Message-ID': messageId, 'List-Unsubscribe': foldHeader('List-Unsubscribe', unsubscribe['List-Unsubscribe']!) },
        { ...links },
      );
    },

    fillLinks(group, links) {
      const fill = (s: string) =>
        s.replaceAll(markers.view, links.view).replaceAll(markers.preferences, links.preferences).replaceAll(markers.unsubscribe, links.unsubscribe);
      return { subject: group.subject, html: fill(group.html), text: fill(group.text) };
    },
  };
}
