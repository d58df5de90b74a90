import { describe, expect, it } from 'vitest';
import { arrangeSections, contentKey, type ContentPaper } from '../../src/digest/content.js';
import { createGroupCache } from '../../src/digest/group-cache.js';
import { createLimiter } from '../../src/digest/limiter.js';
import { createMatcher, sectionPaperIds, type MatchList } from '../../src/digest/matcher.js';

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
  { id: 1, name: 'Trending', keywords: [], categories: [], minUpvotes: 0, maxPapers: 2 },
  { id: 2, name: 'Attention', keywords: ['attention'], categories: [], minUpvotes: 0, maxPapers: 2 },
  { id: 3, name: 'Video', keywords: ['video'], categories: [], minUpvotes: 0, maxPapers: 2 },
];

describe('rebuilding a planned delivery', () => {
  const papers = [paper(1, 'attention a', 50), paper(2, 'attention b', 40), paper(3, 'attention video c', 30), paper(4, 'video d', 20), paper(5, 'other e', 10), paper(6, 'other f', 5)];
  const map = new Map(papers.map((p) => [p.id, p]));
  const window = { start: new Date(0), end: now };

  it('gives the same sections the planner chose, from the stored paper ids', () => {
    const planned = createMatcher({ papers, lists, now }).match([1, 2, 3], window);
    const paperIds = sectionPaperIds(planned);
    const rebuilt = arrangeSections({ papers: map, lists, listIds: [1, 2, 3], paperIds, asOf: now });
    expect(rebuilt.map((s) => [s.listId, s.cards.map((c) => c.paperId)])).toEqual(planned.map((s) => [s.listId, s.cards.map((c) => c.paperId)]));
  });

  it('still sends every planned paper once when a list changed since planning, and drops hidden ones', () => {
    const paperIds = [1, 2, 3, 4, 5];
    const shrunk = lists.map((l) => (l.id === 2 ? { ...l, maxPapers: 1 } : l));
    const hidden = new Map(map);
    hidden.set(5, { ...paper(5, 'other e', 10), hidden: true });
    const rebuilt = arrangeSections({ papers: hidden, lists: shrunk, listIds: [1, 2, 3], paperIds, asOf: now });
    expect(sectionPaperIds(rebuilt).sort()).toEqual([1, 2, 3, 4]);
  });

  it('keys content by sorted lists and ordered papers', () => {
    expect(contentKey([3, 1], [5, 2])).toBe(contentKey([1, 3], [5, 2]));
    expect(contentKey([1, 3], [5, 2])).not.toBe(contentKey([1, 3], [2, 5]));
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
