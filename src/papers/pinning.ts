// Pinned papers: an admin puts a paper at the top of every digest planned
// until its pinnedUntil. Pinning is data plus this hook; the ranking calls
// pinFirst on a section's candidates, after the rule has chosen them and
// before they are cut to maxPapers, so a pin can reorder but never add a
// paper a reader's lists did not match, nor one they already received.
import type { Db } from '../db.js';

/** How long a pin lasts when the admin does not say: the coming week's digests. */
export const DEFAULT_PIN_DAYS = 7;

export function defaultPinEnd(now = new Date()): Date {
  return new Date(now.getTime() + DEFAULT_PIN_DAYS * 86_400_000);
}

/** Ids of the papers pinned at `now`. One indexed read per planning run. */
export async function findPinnedPaperIds(db: Db, now = new Date()): Promise<Set<number>> {
  const rows = await db.paper.findMany({ where: { pinnedUntil: { gt: now }, hidden: false }, select: { id: true } });
  return new Set(rows.map((row) => row.id));
}

/** Moves the pinned items to the front, keeping the ranking's order within both groups. */
export function pinFirst<T>(ranked: readonly T[], pinned: ReadonlySet<number>, idOf: (item: T) => number): T[] {
  if (!pinned.size) return [...ranked];
  return [...ranked.filter((item) => pinned.has(idOf(item))), ...ranked.filter((item) => !pinned.has(idOf(item)))];
}
