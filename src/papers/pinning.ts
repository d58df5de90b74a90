// Pinned papers: an admin puts a paper at the top of every digest planned
// until its pinnedUntil. Pinning is data plus this hook; the ranking calls
// pinFirst on a section's candidates, after the rule has chosen them and
// before they are cut to maxPapers, so a pin can reorder but never add a
// paper a reader's lists did not match, nor one they already received.
import type { Db } from '../db.js';

/** Ids of the papers pinned at `now`. One indexed read per planning run. */
export async function findPinnedPaperIds(db: Db, now = new Date()): Promise<Set<number>> {
  const rows = await db.paper.findMany({ where: { pinnedUntil: { gt: now }, hidden: false }, select: { id: true } });
  return new Set(rows.map((row) => row.id));
}

/** Moves pinned items to the front, keeping the ranking's order within both groups. */
export function pinFirst<T extends { paperId: number }>(ranked: readonly T[], pinned: ReadonlySet<number>): T[] {
  if (!pinned.size) return [...ranked];
  return [...ranked.filter((item) => pinned.has(item.paperId)), ...ranked.filter((item) => !pinned.has(item.paperId))];
}
