// The arXiv category taxonomy (arxiv-categories.json, from
// arxiv.org/category_taxonomy), grouped by archive: what readers and lists
// may choose, and the labels of the picker.
import taxonomy from './arxiv-categories.json' with { type: 'json' };

export interface ArxivCategory {
  id: string;
  name: string;
}

export interface ArxivArchive {
  id: string;
  name: string;
  /** The subject group on arXiv's page ("Physics", "Computer Science" …). */
  group: string;
  categories: ArxivCategory[];
}

export const ARXIV_ARCHIVES: readonly ArxivArchive[] = taxonomy.archives;

const CANONICAL = new Map(ARXIV_ARCHIVES.flatMap((a) => a.categories.map((c) => [c.id.toLowerCase(), c.id] as const)));

/** "CS.lg" → "cs.LG"; undefined for a category arXiv does not have. */
export function canonicalCategory(value: string): string | undefined {
  return CANONICAL.get(value.trim().toLowerCase());
}
