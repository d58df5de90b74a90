// What a digest shows, independent of where it is shown: the email
// renderer and the view-in-browser page both draw this model, so the two
// never disagree about a card's links, authors or reason. Pure: no I/O.
//
// Cards and sections are built per paper and per section, so the renderer
// can cache a paper's card and assemble emails from cached parts. New
// matcher fields (section kinds, more reasons) arrive through CardInput and
// SectionInput, which take the matcher's Card and Section as they are.
import type { PaperRecord } from '../papers/paper.js';

/** A stored paper as a card needs it. */
export type DigestPaper = Pick<
  PaperRecord,
  | 'arxivId'
  | 'title'
  | 'abstract'
  | 'authors'
  | 'authorCount'
  | 'organization'
  | 'url'
  | 'pdfUrl'
  | 'githubRepo'
  | 'projectPage'
> & { id: number; upvotes: number };

/** The matcher's Card, or anything shaped like it. */
export interface CardInput {
  paperId: number;
  reason: string;
}

/** The matcher's Section. `kind` 'lead' marks the section whose first card leads the email. */
export interface SectionInput {
  name: string;
  kind?: string;
  cards: CardInput[];
}

export interface CardLink {
  label: string;
  url: string;
}

/** The per-paper part of a card: the same in every email that carries the paper. */
export interface PaperCard {
  paperId: number;
  title: string;
  /** Where the title links: the Hugging Face page when there is an arXiv id. */
  url: string;
  authors: string;
  organization: string | null;
  upvotes: string;
  summary: string;
  links: CardLink[];
}

export interface SectionView {
  title: string;
  cards: Array<{ paper: PaperCard; reason: string }>;
}

export interface DigestView {
  heading: string;
  periodLabel: string;
  intro: string;
  preheader: string;
  lead: { paper: PaperCard; reason: string } | null;
  sections: SectionView[];
  /** Matched papers the email leaves to the web view. */
  moreCount: number;
  paperCount: number;
}

const HUGGING_FACE = 'https://huggingface.co';
const SUMMARY_CHARS = 280;
/** Outside text is capped, so one card stays a few KB whatever the source sends. */
const TITLE_CHARS = 300;
const NAME_CHARS = 100;

/** Whitespace folded, cut at `max` characters (not inside a surrogate pair). */
export function clip(text: string, max: number): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  if (folded.length <= max) return folded;
  return `${Array.from(folded.slice(0, max - 1))
    .join('')
    .replace(/[\uD800-\uDBFF]$/, '')}…`;
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

/** The first sentences up to ~280 characters, cut at a word. */
export function shortSummary(text: string): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  if (folded.length <= SUMMARY_CHARS) return folded;
  const cut = folded.slice(0, SUMMARY_CHARS);
  const sentence = cut.lastIndexOf('. ');
  if (sentence > SUMMARY_CHARS / 2) return cut.slice(0, sentence + 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), SUMMARY_CHARS - 40))}…`;
}

/** "Ada Lovelace, Alan Turing, Grace Hopper et al.", or "9 authors" when only the count is known. */
export function authorLine(authors: string[], count: number): string {
  const names = authors.map((a) => clip(a, NAME_CHARS)).filter(Boolean);
  if (names.length) return `${names.slice(0, 3).join(', ')}${names.length > 3 || count > 3 ? ' et al.' : ''}`;
  return count ? `${count} author${count === 1 ? '' : 's'}` : '';
}

export function paperCard(paper: DigestPaper, publicUrl: string): PaperCard {
  const arxiv = paper.arxivId ? encodeURIComponent(paper.arxivId) : null;
  const hfPage = arxiv ? `${HUGGING_FACE}/papers/${arxiv}` : null;
  const abstract = arxiv ? `https://arxiv.org/abs/${arxiv}` : null;
  const pdf = safeUrl(paper.pdfUrl) ?? (arxiv ? `https://arxiv.org/pdf/${arxiv}` : null);
  const links: CardLink[] = [];
  const add = (label: string, url: string | null) => {
    if (url && !links.some((l) => l.url === url)) links.push({ label, url });
  };
  add('Hugging Face', hfPage);
  add('arXiv', abstract);
  add('PDF', pdf);
  add('Code', codeUrl(paper.githubRepo));
  add('Project page', safeUrl(paper.projectPage));
  add('Source', safeUrl(paper.url));
  const upvotes = Math.max(0, paper.upvotes);
  return {
    paperId: paper.id,
    title: clip(paper.title, TITLE_CHARS),
    url: hfPage ?? safeUrl(paper.url) ?? abstract ?? publicUrl,
    authors: authorLine(paper.authors, paper.authorCount),
    organization: paper.organization ? clip(paper.organization, NAME_CHARS) || null : null,
    upvotes: `${upvotes} upvote${upvotes === 1 ? '' : 's'}`,
    summary: shortSummary(paper.abstract),
    links,
  };
}

// One formatter per process: toLocaleDateString builds a new one per call (~60 µs), and every group render asks twice.
const LONG_DATE = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "Thursday 12 November 2026" */
export function longDate(period: string): string {
  return LONG_DATE.format(new Date(`${period}T12:00:00Z`));
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface ViewInput {
  period: string;
  sections: SectionInput[];
  papers: Map<number, DigestPaper>;
  /** The reader's first digest: nothing to be "since". */
  first: boolean;
  /** Matched papers left out before rendering (papers per email). */
  moreCount?: number;
  publicUrl: string;
  /** Per paper, so a renderer can reuse cards across emails. */
  card?: (paper: DigestPaper) => PaperCard;
}

/**
 * The lead is the first card of the 'lead' section when the matcher marks
 * one, else the first card of the first section: the matcher ranks, the view
 * only lifts that card to the top.
 */
export function buildDigestView(input: ViewInput): DigestView {
  const card = input.card ?? ((paper: DigestPaper) => paperCard(paper, input.publicUrl));
  const leadSection = input.sections.find((s) => s.kind === 'lead') ?? input.sections[0];
  const leadInput = leadSection?.cards.find((c) => input.papers.has(c.paperId));
  const sections: SectionView[] = [];
  for (const section of input.sections) {
    const cards = section.cards.flatMap((c) => {
      const paper = c === leadInput ? undefined : input.papers.get(c.paperId);
      return paper ? [{ paper: card(paper), reason: c.reason }] : [];
    });
    if (cards.length) sections.push({ title: section.name, cards });
  }
  const lead = leadInput ? { paper: card(input.papers.get(leadInput.paperId)!), reason: leadInput.reason } : null;
  const paperCount = (lead ? 1 : 0) + sections.reduce((n, s) => n + s.cards.length, 0);
  const periodLabel = longDate(input.period);
  const intro = input.first
    ? `Welcome to your first digest! Here ${paperCount === 1 ? 'is the paper' : `are the ${paperCount} papers`} that match your lists.`
    : `${plural(paperCount, 'new paper')} for you since your last digest.`;
  return {
    heading: 'Your trending papers',
    periodLabel,
    intro,
    preheader: lead ? `Top pick: ${lead.paper.title}` : intro,
    lead,
    sections,
    moreCount: input.moreCount ?? 0,
    paperCount,
  };
}
