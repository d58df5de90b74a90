// The lists a fresh Paperboy starts with: Trending takes every paper; the
// topics are drawn from the sample data set's themes.
import type { Db } from '../../db.js';

export interface DefaultList {
  slug: string;
  name: string;
  description: string;
  keywords: string[];
  maxPapers: number;
}

export const DEFAULT_LISTS: DefaultList[] = [
  {
    slug: 'trending',
    name: 'Trending',
    description: 'The most upvoted papers of the day, whatever the topic.',
    keywords: [],
    maxPapers: 10,
  },
  {
    slug: 'attention-transformers',
    name: 'Attention & Transformers',
    description: 'New attention mechanisms, transformer architectures and their efficiency.',
    keywords: ['attention', 'transformer', 'self-attention'],
    maxPapers: 8,
  },
  {
    slug: 'video-understanding',
    name: 'Video understanding',
    description: 'Video models: matting, segmentation, recognition and generation.',
    keywords: ['video'],
    maxPapers: 8,
  },
  {
    slug: 'language-models',
    name: 'Language models',
    description: 'Large language models: training, reasoning and evaluation.',
    keywords: ['language model', 'LLM', 'reasoning'],
    maxPapers: 8,
  },
  {
    slug: 'memory-and-time',
    name: 'Memory & time',
    description: 'Long context, memory mechanisms, temporal reasoning and time series.',
    keywords: ['memory', 'temporal', 'time series', 'long context'],
    maxPapers: 8,
  },
  {
    slug: 'brain-inspired-ai',
    name: 'Brain-inspired AI',
    description: 'Neuroscience-inspired models, spiking networks and cognition.',
    keywords: ['brain', 'neuroscience', 'cognitive', 'spiking', 'neuron'],
    maxPapers: 8,
  },
];

/** Creates the default lists that are missing; leaves edited ones alone. */
export async function ensureDefaultLists(db: Db): Promise<string[]> {
  await db.list.createMany({
    data: DEFAULT_LISTS.map((list) => ({ ...list, public: true })),
    skipDuplicates: true,
  });
  return DEFAULT_LISTS.map((list) => list.slug);
}
