// The labelled set of the relevance benchmark (data/relevance/, see its
// README): papers, reader profiles with their relevant papers, and the
// simulated ratings each profile casts before the learned ranking runs.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const paperSchema = z.object({
  id: z.string().min(1),
  arxivId: z.string().nullable(),
  title: z.string().min(1),
  abstract: z.string(),
  categories: z.array(z.string()),
  authors: z.array(z.string()),
  upvotes: z.number().int().min(0),
  source: z.string(),
});

const profileSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  interests: z.object({
    include: z.array(z.string()),
    exclude: z.array(z.string()),
    categories: z.array(z.string()),
    authors: z.array(z.string()),
  }),
  /** The hand-written rule the labels were judged by. */
  judgement: z.string().min(1),
  relevant: z.array(z.string()).min(1),
});

export type BenchPaper = z.infer<typeof paperSchema>;
export type Profile = z.infer<typeof profileSchema>;
export type Interests = Profile['interests'];

export interface LabelledSet {
  papers: BenchPaper[];
  profiles: Profile[];
}

const DATA = new URL('../../data/relevance/', import.meta.url);

export async function loadLabelledSet(): Promise<LabelledSet> {
  const papers = z.array(paperSchema).parse(JSON.parse(await readFile(new URL('papers.json', DATA), 'utf8')));
  const profiles = z.array(profileSchema).parse(JSON.parse(await readFile(new URL('profiles.json', DATA), 'utf8')));
  const ids = new Set(papers.map((p) => p.id));
  if (ids.size !== papers.length) throw new Error('data/relevance/papers.json: duplicate paper ids');
  for (const profile of profiles) {
    const unknown = profile.relevant.filter((id) => !ids.has(id));
    if (unknown.length) throw new Error(`profile ${profile.id}: relevant papers not in the set: ${unknown.join(', ')}`);
  }
  return { papers, profiles };
}

export interface Ratings {
  liked: BenchPaper[];
  disliked: BenchPaper[];
}

/**
 * The simulated reader's ratings: 3 likes among the relevant papers and 2
 * dislikes among the others (5 in all; the recommender needs 3 likes), chosen
 * by a hash of profile and paper id, so the choice is fixed and owes nothing
 * to any ranker. Rated papers leave the candidates of every ranker.
 */
export function simulatedRatings(profile: Profile, papers: BenchPaper[], likes = 3, dislikes = 2): Ratings {
  const relevant = new Set(profile.relevant);
  const order = (p: BenchPaper) => createHash('sha256').update(`${profile.id}\n${p.id}`).digest('hex');
  const shuffled = [...papers].sort((a, b) => order(a).localeCompare(order(b)));
  return {
    liked: shuffled.filter((p) => relevant.has(p.id)).slice(0, likes),
    disliked: shuffled.filter((p) => !relevant.has(p.id)).slice(0, dislikes),
  };
}
