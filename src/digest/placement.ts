// Once per email, where it ranks best (README.md, "One reader's email"):
// which of a reader's sections each candidate paper goes to. Pure.

export interface Placement<T> {
  /** Per section, the papers it holds, in order. */
  chosen: T[][];
  /** Paper id → the section it went to. */
  placed: Map<number, number>;
}

/**
 * Sections take papers in rounds: each section with room takes its next
 * candidate, unless that paper ranks strictly better in another section
 * that can still take it (ties go to the earlier section). Pinned papers,
 * which the caller put first in their sections, get rounds of their own
 * before the others, so that no cut leaves a pin out.
 */
export function placeCandidates<T>(
  candidates: readonly (readonly T[])[],
  limits: { caps: readonly number[]; total: number; pinned: ReadonlySet<number> },
  idOf: (item: T) => number,
): Placement<T> {
  const best = new Map<number, { rank: number; section: number }>();
  candidates.forEach((items, s) =>
    items.forEach((item, rank) => {
      const known = best.get(idOf(item));
      if (!known || rank < known.rank) best.set(idOf(item), { rank, section: s });
    }),
  );
  const placed = new Map<number, number>();
  const chosen: T[][] = candidates.map(() => []);
  const next = candidates.map(() => 0);
  const hasRoom = (s: number) => chosen[s]!.length < limits.caps[s]!;
  const fill = (onlyPinned: boolean) => {
    for (let took = true; took && placed.size < limits.total;) {
      took = false;
      for (let s = 0; s < candidates.length && placed.size < limits.total; s++) {
        if (!hasRoom(s)) continue;
        const items = candidates[s]!;
        while (next[s]! < items.length) {
          const rank = next[s]!;
          const id = idOf(items[rank]!);
          if (onlyPinned && !limits.pinned.has(id)) break;
          next[s] = rank + 1;
          if (placed.has(id)) continue;
          const home = best.get(id)!;
          if (home.rank < rank && home.section !== s && hasRoom(home.section)) continue;
          placed.set(id, s);
          chosen[s]!.push(items[rank]!);
          took = true;
          break;
        }
      }
    }
  };
  if (limits.pinned.size) fill(true);
  fill(false);
  return { chosen, placed };
}
