import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMatcher, listRule, NO_INTERESTS, type MatchList, type MatchPaper } from '../../src/digest/matcher.js';
import type { Interests } from '../../src/subscriptions/interests.js';
import { sameAuthor, stemmedText, words } from '../../src/digest/match-text.js';
import { popularity, rankScore } from '../../src/digest/ranking.js';
import { planReader, rankForReader, sectionPaperIds, type ReaderProfile } from '../../src/digest/reader-digest.js';

const now = new Date('2026-11-12T07:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);

function paper(id: number, title: string, extra: Partial<MatchPaper> = {}): MatchPaper {
  return {
    id,
    title,
    abstract: '',
    keywords: [],
    categories: [],
    authors: [],
    upvotes: 0,
    firstSeenAt: hoursAgo(2),
    hidden: false,
    ...extra,
  };
}
function list(id: number, name: string, extra: Partial<MatchList> = {}): MatchList {
  return { id, name, keywords: [], categories: [], exclude: [], authors: [], minUpvotes: 0, maxPapers: 10, ...extra };
}
function reader(
  listIds: number[],
  extra: Omit<Partial<ReaderProfile>, 'interests'> & { interests?: Partial<Interests> } = {},
): ReaderProfile {
  return {
    listIds,
    frequency: 'daily',
    papersPerEmail: 25,
    ...extra,
    interests: { ...NO_INTERESTS, ...extra.interests },
  };
}
const plan = (papers: MatchPaper[], lists: MatchList[], profile: ReaderProfile) =>
  planReader(createMatcher({ papers, now }), new Map(lists.map((l) => [l.id, l])), profile);

describe('matcher', () => {
  it('matches phrases as phrases, stemmed, at word boundaries', () => {
    const papers = [
      paper(1, 'Large Language Models as planners'),
      paper(2, 'Tiny nets', { abstract: 'We study a LANGUAGE MODEL trained on code.' }),
      paper(3, 'Models of language change'),
      paper(4, 'Multilingual modelling', { abstract: 'language-modeling at scale' }),
      paper(5, 'Metalanguage models'),
    ];
    const hits = createMatcher({ papers, now }).ranked(
      listRule(list(1, 'LMs', { keywords: ['language models'] })),
      'daily',
    );
    expect(hits.map((h) => h.paper.id).sort()).toEqual([1, 2, 4]);
    expect(hits.find((h) => h.paper.id === 1)!.why).toEqual([
      { kind: 'phrase', term: 'language models', fields: ['title'] },
    ]);
  });

  it('folds text into stems; authors match regardless of case and accents', () => {
    expect(stemmedText('Self-Attention, Transformers & LLMs!')).toBe(' self attent transform llm ');
    expect(words('José GARCÍA-Pérez')).toEqual(['jose', 'garcia', 'perez']);
    expect(sameAuthor(words('jose garcia-perez'), words('José García-Pérez'))).toBe(true);
    expect(sameAuthor(words('Y. LeCun'), words('Yann LeCun'))).toBe(true);
    expect(sameAuthor(words('Hinton'), words('Geoffrey E. Hinton'))).toBe(true);
    expect(sameAuthor(words('Geoffrey Hinton'), words('Geoffrey Hintonova'))).toBe(false);
  });

  it('a title hit outranks a slightly more popular abstract hit; a far more popular one wins', () => {
    const papers = [
      paper(1, 'Attention sinks', { upvotes: 2 }),
      paper(2, 'Something else', { abstract: 'uses attention', upvotes: 4 }),
      paper(3, 'Big paper', { abstract: 'uses attention', upvotes: 200 }),
    ];
    const hits = createMatcher({ papers, now }).ranked(listRule(list(1, 'A', { keywords: ['attention'] })), 'daily');
    expect(hits.map((h) => h.paper.id)).toEqual([3, 1, 2]);
    expect(rankScore(3, 2)).toBeGreaterThan(rankScore(1, 4));
  });

  it('weekly readers rank by the week’s upvotes: no age penalty inside the period', () => {
    expect(popularity(100, hoursAgo(6 * 24), now, 'weekly')).toBe(100);
    expect(popularity(100, hoursAgo(6 * 24), now, 'weekly')).toBeGreaterThan(popularity(8, hoursAgo(1), now, 'weekly'));
    // Daily readers: an older paper competes on its votes per day.
    expect(popularity(100, hoursAgo(4 * 24), now, 'daily')).toBe(25);
    const papers = [
      paper(1, 'old hit', { upvotes: 100, firstSeenAt: hoursAgo(6 * 24) }),
      paper(2, 'new', { upvotes: 8, firstSeenAt: hoursAgo(1) }),
    ];
    const weekly = plan(papers, [list(1, 'Trending')], reader([1], { frequency: 'weekly' }));
    expect(sectionPaperIds(weekly.sections)).toEqual([1, 2]);
  });

  it('trending holds the most upvoted papers, and a paper sits once, where it ranks best, with "also in"', () => {
    const papers = [
      paper(1, 'attention is popular', { upvotes: 90 }),
      paper(2, 'plain', { upvotes: 50 }),
      paper(3, 'attention in the title', { upvotes: 10 }),
      paper(4, 'a note', { abstract: 'attention', upvotes: 1 }),
    ];
    const lists = [
      list(1, 'Trending', { maxPapers: 2 }),
      list(2, 'Attention', { keywords: ['attention'] }),
      list(3, 'Also attention', { keywords: ['attention'] }),
    ];
    const { sections } = plan(papers, lists, reader([1, 2, 3]));
    // Rank by rank: each section takes its next paper unless it ranks strictly better elsewhere.
    expect(sections.map((s) => [s.kind, s.name, s.cards.map((c) => c.paperId)])).toEqual([
      ['trending', 'Trending', [1, 2]],
      ['list', 'Attention', [3]],
      ['list', 'Also attention', [4]],
    ]);
    const ids = sectionPaperIds(sections);
    expect(new Set(ids).size).toBe(ids.length);
    expect(sections[0]!.cards[0]!.alsoIn).toEqual(['Attention', 'Also attention']);
    expect(sections[0]!.cards[0]!.reason).toBe('Among the most upvoted papers · also in Attention, Also attention');
  });

  it('interests feed "For you" (phrases, categories, authors); exclusions apply to every section', () => {
    const papers = [
      paper(1, 'Diffusion models for video', { upvotes: 5 }),
      paper(2, 'Robots', { categories: ['cs.RO'], upvotes: 3 }),
      paper(3, 'Some paper', { authors: ['Yann LeCun'], upvotes: 1 }),
      paper(4, 'Crypto diffusion', { abstract: 'blockchain', upvotes: 80 }),
      paper(5, 'Unrelated', { upvotes: 40 }),
    ];
    const { sections } = plan(
      papers,
      [list(1, 'Trending')],
      reader([1], {
        interests: {
          include: ['diffusion model'],
          categories: ['cs.RO'],
          authors: ['yann lecun'],
          exclude: ['blockchain'],
        },
      }),
    );
    expect(sections.map((s) => s.kind)).toEqual(['personal', 'trending']);
    expect(sections[0]!.name).toBe('For you');
    expect(sections[0]!.cards.map((c) => c.paperId)).toEqual([1, 3]);
    expect(sections[0]!.cards[1]!.matched).toEqual(['by yann lecun']);
    // Ranked third in both sections, the robotics paper went to the first section with a turn left, and says where else it fits.
    const robots = sections[1]!.cards.find((c) => c.paperId === 2)!;
    expect(robots.alsoIn).toEqual(['For you']);
    expect(sectionPaperIds(sections)).not.toContain(4);
  });

  it('papersPerEmail caps the email and moreCount says how many more matched', () => {
    const papers = Array.from({ length: 30 }, (_, i) =>
      paper(i + 1, i < 20 ? `attention ${i}` : `other ${i}`, { upvotes: 100 - i }),
    );
    const { sections, layout } = plan(
      papers,
      [list(1, 'Trending', { maxPapers: 20 }), list(2, 'Attention', { keywords: ['attention'], maxPapers: 50 })],
      reader([1, 2], { papersPerEmail: 5 }),
    );
    expect(sectionPaperIds(sections)).toHaveLength(5);
    expect(layout.moreCount).toBe(
      20 -
        sections.find((s) => s.kind === 'list')!.cards.length -
        sections[0]!.cards.filter((c) => c.paperId <= 20).length,
    );
    expect(layout.moreIds).toHaveLength(layout.moreCount);
  });

  it('rankForReader ranks papers for a profile without a database', () => {
    const papers = [
      paper(1, 'Graph neural networks', { upvotes: 1 }),
      paper(2, 'Nothing', { upvotes: 99 }),
      paper(3, 'GNN', { abstract: 'graph neural network', upvotes: 1 }),
    ];
    const ranked = rankForReader(createMatcher({ papers, now }), [], {
      listIds: [],
      interests: { ...NO_INTERESTS, include: ['graph neural network'] },
    });
    expect(ranked.map((r) => r.paperId)).toEqual([1, 3]);
  });

  it('property: no paper twice, caps hold, sent and excluded papers never appear', () => {
    const arbPaper = fc.record({
      words: fc.array(fc.constantFrom('attention', 'video', 'memory', 'brain', 'model', 'models'), { maxLength: 4 }),
      upvotes: fc.nat(100),
      hidden: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(arbPaper, { maxLength: 30 }),
        fc.subarray([1, 2, 3, 4]),
        fc.constantFrom(5, 10),
        fc.array(fc.nat(30)),
        (raw, asked, perEmail, sent) => {
          const papers = raw.map((r, i) => paper(i + 1, r.words.join(' '), { upvotes: r.upvotes, hidden: r.hidden }));
          const lists = [
            list(1, 'T', { maxPapers: 5 }),
            list(2, 'A', { keywords: ['attention'], maxPapers: 3 }),
            list(3, 'V', { keywords: ['video', 'model'], maxPapers: 2 }),
            list(4, 'M', { keywords: ['memory'], minUpvotes: 50 }),
          ];
          const { sections } = plan(
            papers,
            lists,
            reader(asked, {
              papersPerEmail: perEmail,
              sent: new Set(sent),
              interests: { include: ['brain'], exclude: ['video'] },
            }),
          );
          const ids = sectionPaperIds(sections);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids.length).toBeLessThanOrEqual(perEmail);
          for (const s of sections) {
            if (s.listId !== null) expect(asked).toContain(s.listId);
            if (s.listId !== null)
              expect(s.cards.length).toBeLessThanOrEqual(lists.find((l) => l.id === s.listId)!.maxPapers);
          }
          for (const id of ids) {
            expect(papers[id - 1]!.hidden).toBe(false);
            expect(sent).not.toContain(id);
            expect(papers[id - 1]!.title).not.toContain('video');
          }
        },
      ),
    );
  });
  it('property: judging one paper says what ranking them all says of it', () => {
    const word = fc.constantFrom('attention', 'video', 'memory', 'brain', 'models');
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            words: fc.array(word, { maxLength: 4 }),
            categories: fc.subarray(['cs.CV', 'cs.LG', 'q-bio.NC']),
            authors: fc.subarray(['Ada Lovelace', 'Alan Turing']),
            upvotes: fc.nat(100),
            hidden: fc.boolean(),
          }),
          { maxLength: 20 },
        ),
        fc.record({
          include: fc.array(fc.oneof(word, fc.constant('video models'), fc.constant(' ')), { maxLength: 3 }),
          categories: fc.subarray(['cs.cv', 'cs.LG ', 'math.AG']),
          authors: fc.subarray(['ada lovelace', 'Grace Hopper']),
          exclude: fc.array(word, { maxLength: 1 }),
          minUpvotes: fc.constantFrom(0, 50),
        }),
        fc.constantFrom('daily' as const, 'weekly' as const),
        (raw, rule, frequency) => {
          const papers = raw.map((r, i) => paper(i + 1, r.words.join(' '), { ...r, upvotes: r.upvotes }));
          const matcher = createMatcher({ papers, now });
          const ranked = new Map(matcher.ranked(rule, frequency).map((h) => [h.paper.id, h]));
          const judge = matcher.judge(rule, frequency);
          for (const p of papers) expect(judge(p.id)).toEqual(ranked.get(p.id));
          expect(judge(999)).toBeUndefined();
        },
      ),
    );
  });
});
