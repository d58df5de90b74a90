import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMatcher, normalizeText, sectionPaperIds, trendingScore, type MatchList, type MatchPaper } from '../../src/digest/matcher.js';

const now = new Date('2026-11-12T07:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);
const window = { start: hoursAgo(24), end: now };

function paper(id: number, title: string, extra: Partial<MatchPaper> = {}): MatchPaper {
  return { id, title, abstract: '', keywords: [], categories: [], upvotes: 0, firstSeenAt: hoursAgo(2), hidden: false, ...extra };
}
function list(id: number, name: string, extra: Partial<MatchList> = {}): MatchList {
  return { id, name, keywords: [], categories: [], minUpvotes: 0, maxPapers: 10, ...extra };
}

describe('matcher', () => {
  it('matches keywords and phrases in title or abstract, case- and plural-insensitively', () => {
    const papers = [
      paper(1, 'Large Language Models as planners'),
      paper(2, 'Tiny nets', { abstract: 'We study a LANGUAGE MODEL trained on code.' }),
      paper(3, 'Languages of the world'),
      paper(4, 'Transformers for memories', { abstract: 'Memory and time.' }),
    ];
    const lists = [list(1, 'LMs', { keywords: ['language models'] }), list(2, 'Memory', { keywords: ['memory', 'transformer'] })];
    const m = createMatcher({ papers, lists, now });
    expect(sectionPaperIds(m.match([1], window)).sort()).toEqual([1, 2]);
    const memory = m.match([2], window);
    expect(memory[0]!.cards.map((c) => c.paperId)).toEqual([4]);
    expect(memory[0]!.cards[0]!.matched).toEqual(['memory', 'transformer']);
    expect(memory[0]!.cards[0]!.reason).toBe('Matches “memory”, “transformer”');
  });

  it('filters by categories and minimum upvotes', () => {
    const papers = [paper(1, 'A', { categories: ['cs.CV'], upvotes: 10 }), paper(2, 'B', { categories: ['cs.CV'], upvotes: 1 }), paper(3, 'C', { categories: ['cs.CL'], upvotes: 50 })];
    const m = createMatcher({ papers, lists: [list(1, 'Vision', { categories: ['cs.cv'], minUpvotes: 5 })], now });
    expect(sectionPaperIds(m.match([1], window))).toEqual([1]);
  });

  it('a list with neither keywords nor categories takes every paper, by upvotes', () => {
    const papers = [paper(1, 'a', { upvotes: 3 }), paper(2, 'b', { upvotes: 30, firstSeenAt: hoursAgo(20) }), paper(3, 'c', { upvotes: 7 })];
    const m = createMatcher({ papers, lists: [list(1, 'Trending')], now });
    const [section] = m.match([1], window);
    expect(section!.cards.map((c) => c.paperId)).toEqual([2, 3, 1]);
    expect(section!.cards[0]!.reason).toBe('Among the most upvoted new papers (30 upvotes)');
  });

  it('ranks by trending score (upvotes damped by age), relevance breaking ties', () => {
    expect(trendingScore(10, hoursAgo(1), now)).toBeGreaterThan(trendingScore(10, hoursAgo(20), now));
    const papers = [
      paper(1, 'a paper', { abstract: 'about attention', upvotes: 5 }),
      paper(2, 'attention in the title', { upvotes: 5 }),
      paper(3, 'new attention', { upvotes: 5, firstSeenAt: hoursAgo(0.5) }),
      paper(4, 'popular attention', { upvotes: 40, firstSeenAt: hoursAgo(23) }),
    ];
    const m = createMatcher({ papers, lists: [list(1, 'Attention', { keywords: ['attention'] })], now });
    expect(sectionPaperIds(m.match([1], window))).toEqual([4, 3, 2, 1]);
  });

  it('keeps a paper once per email: specific lists choose first, catch-all lists take the rest', () => {
    const papers = [paper(1, 'attention paper', { upvotes: 100 }), paper(2, 'other', { upvotes: 50 })];
    const lists = [list(1, 'Trending'), list(2, 'Attention', { keywords: ['attention'] }), list(3, 'Also attention', { keywords: ['attention'] })];
    const sections = createMatcher({ papers, lists, now }).match([1, 2, 3], window);
    expect(sections.map((s) => [s.name, s.cards.map((c) => c.paperId)])).toEqual([
      ['Trending', [2]],
      ['Attention', [1]],
    ]);
    expect(sections[1]!.cards[0]!.reason).toBe('Matches “attention” · also in Also attention');
  });

  it('never includes hidden papers or papers outside the window; caps sections at maxPapers', () => {
    const papers = [
      paper(1, 'x', { hidden: true, upvotes: 100 }),
      paper(2, 'y', { firstSeenAt: hoursAgo(25) }),
      paper(3, 'z', { firstSeenAt: now }),
      paper(4, 'w', { firstSeenAt: hoursAgo(24) }),
      paper(5, 'v'),
    ];
    const m = createMatcher({ papers, lists: [list(1, 'T', { maxPapers: 1 })], now });
    expect(sectionPaperIds(m.match([1], window))).toEqual([3]);
    expect(m.match([1], { start: now, end: now })).toEqual([]);
  });

  it('caps the papers of one email, specific lists first', () => {
    const papers = Array.from({ length: 30 }, (_, i) => paper(i + 1, i < 10 ? `attention ${i}` : `other ${i}`, { upvotes: 100 - i }));
    const lists = [list(1, 'Trending', { maxPapers: 20 }), list(2, 'Attention', { keywords: ['attention'], maxPapers: 10 })];
    const sections = createMatcher({ papers, lists, now, maxPerEmail: 12 }).match([1, 2], window);
    expect(sections.map((s) => [s.name, s.cards.length])).toEqual([
      ['Trending', 2],
      ['Attention', 10],
    ]);
  });

  it('normalises text into singular tokens', () => {
    expect(normalizeText('Self-Attention, Transformers & LLMs!')).toBe(' self attention transformer llm ');
    expect(normalizeText('Memories of classes')).toBe(' memory of class ');
  });

  it('property: no paper twice in an email, every section within its cap, only lists asked for', () => {
    const arbPaper = fc.record({ words: fc.array(fc.constantFrom('attention', 'video', 'memory', 'brain', 'model', 'models'), { maxLength: 4 }), upvotes: fc.nat(100), hidden: fc.boolean() });
    fc.assert(
      fc.property(fc.array(arbPaper, { maxLength: 30 }), fc.subarray([1, 2, 3, 4]), (raw, asked) => {
        const papers = raw.map((r, i) => paper(i + 1, r.words.join(' '), { upvotes: r.upvotes, hidden: r.hidden }));
        const lists = [list(1, 'T', { maxPapers: 5 }), list(2, 'A', { keywords: ['attention'], maxPapers: 3 }), list(3, 'V', { keywords: ['video', 'model'], maxPapers: 2 }), list(4, 'M', { keywords: ['memory'], minUpvotes: 50 })];
        const sections = createMatcher({ papers, lists, now }).match(asked, window);
        const ids = sectionPaperIds(sections);
        expect(new Set(ids).size).toBe(ids.length);
        for (const s of sections) {
          expect(asked).toContain(s.listId);
          expect(s.cards.length).toBeLessThanOrEqual(lists.find((l) => l.id === s.listId)!.maxPapers);
          expect(s.cards.length).toBeGreaterThan(0);
        }
        for (const id of ids) expect(papers[id - 1]!.hidden).toBe(false);
      }),
    );
  });
});
