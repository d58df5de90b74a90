import { describe, expect, it } from 'vitest';
import { deliverySections, type ContentPaper } from '../../src/digest/content.js';
import { createGroupCache } from '../../src/digest/group-cache.js';
import { createLimiter } from '../../src/digest/limiter.js';
import { createMatcher, NO_INTERESTS, type MatchList } from '../../src/digest/matcher.js';
import { planReader, sectionPaperIds } from '../../src/digest/reader-digest.js';

const now = new Date('2026-11-12T07:00:00Z');
const paper = (id: number, title: string, upvotes = 0): ContentPaper => ({
  id,
  title,
  abstract: '',
  keywords: [],
  categories: [],
  upvotes,
  firstSeenAt: new Date(now.getTime() - 3600_000),
  hidden: false,
  arxivId: null,
  authors: [],
  authorCount: 0,
  organization: null,
  url: null,
  pdfUrl: null,
  githubRepo: null,
  projectPage: null,
});
const lists: MatchList[] = [
  { id: 1, name: 'Trending', keywords: [], categories: [], exclude: [], authors: [], minUpvotes: 0, maxPapers: 2 },
  {
    id: 2,
    name: 'Attention',
    keywords: ['attention'],
    categories: [],
    exclude: [],
    authors: [],
    minUpvotes: 0,
    maxPapers: 2,
  },
  { id: 3, name: 'Video', keywords: ['video'], categories: [], exclude: [], authors: [], minUpvotes: 0, maxPapers: 2 },
];

describe('rebuilding a planned delivery', () => {
  const papers = [
    paper(1, 'attention a', 50),
    paper(2, 'attention b', 40),
    paper(3, 'attention video c', 30),
    paper(4, 'video d', 20),
    paper(5, 'other e', 10),
    paper(6, 'other f', 5),
  ];
  const map = new Map(papers.map((p) => [p.id, p]));
  const reader = {
    listIds: [1, 2, 3],
    interests: { ...NO_INTERESTS, include: ['other'] },
    frequency: 'daily' as const,
  };
  const shape = (sections: ReturnType<typeof deliverySections>) =>
    sections.map((s) => [s.key, s.cards.map((c) => [c.paperId, c.reason])]);

  it('gives the sections, reasons and "also in" the planner chose, from the stored layout', () => {
    const planned = planReader(createMatcher({ papers, now }), new Map(lists.map((l) => [l.id, l])), {
      ...reader,
      papersPerEmail: 10,
    });
    const rebuilt = deliverySections({
      papers: map,
      lists,
      reader,
      paperIds: sectionPaperIds(planned.sections),
      layout: planned.layout,
      asOf: now,
    });
    expect(shape(rebuilt)).toEqual(shape(planned.sections));
    expect(rebuilt.some((s) => s.kind === 'personal')).toBe(true);
  });

  it('still sends every planned paper once when a list changed since planning, and drops hidden ones', () => {
    const paperIds = [1, 2, 3, 4, 5];
    const shrunk = lists.map((l) => (l.id === 2 ? { ...l, maxPapers: 1 } : l));
    const hidden = new Map(map);
    hidden.set(5, { ...paper(5, 'other e', 10), hidden: true });
    const layout = {
      sections: [
        { key: 2, paperIds: [1, 2, 3] },
        { key: 3, paperIds: [4] },
        { key: 1, paperIds: [5] },
      ],
      moreIds: [],
      moreCount: 0,
    };
    const rebuilt = deliverySections({ papers: hidden, lists: shrunk, reader, paperIds, layout, asOf: now });
    expect(sectionPaperIds(rebuilt)).toEqual([1, 2, 3, 4]);
    // A delivery planned before layouts existed: placed again by the same rules.
    const legacy = deliverySections({ papers: hidden, lists: shrunk, reader, paperIds, layout: null, asOf: now });
    expect(sectionPaperIds(legacy).sort()).toEqual([1, 2, 3, 4]);
  });
});

describe('per-process helpers', () => {
  it('the group cache renders a key once and evicts the least recently used', () => {
    const cache = createGroupCache(2);
    const build = (n: number) => () => ({ subject: String(n) }) as never;
    cache.get('a', build(1));
    cache.get('b', build(2));
    cache.get('a', build(99));
    cache.get('c', build(3)); // evicts b
    expect(cache.renders).toBe(3);
    cache.get('a', build(99));
    expect(cache.renders).toBe(3);
    cache.get('b', build(4));
    expect(cache.renders).toBe(4);
  });

  it('the limiter never runs more than its capacity at once', async () => {
    const limiter = createLimiter(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        limiter.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 2));
          running--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });
});
