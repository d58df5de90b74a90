// What this process remembers of the archive: each (list rule, period's
// papers) pair's plan, or that it makes no edition. Keyed by the list's
// updatedAt and the period's version (count and newest updatedAt of its
// visible papers), so a changed rule or paper is a new key and is planned
// again at once; the old entry just ages out. Bounded, least recently used
// first out, so no sequence of public requests can grow it without limit.
import type { ArchiveList, PaperPeriod } from './archive-repo.js';
import type { Section } from './reader-digest.js';

/** A planned edition without its papers (those are read by id when shown). */
export interface EditionPlan {
  sections: Section[];
  paperIds: number[];
}

export interface Lru<V> {
  /** The value, marked as just used; undefined when unknown. */
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  readonly size: number;
}

export function createLru<V>(limit: number): Lru<V> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<string, V>();
  return {
    get(key) {
      const value = entries.get(key);
      if (value !== undefined) {
        entries.delete(key);
        entries.set(key, value);
      }
      return value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > limit) entries.delete(entries.keys().next().value!);
    },
    get size() {
      return entries.size;
    },
  };
}

/**
 * Over three years of days for 8 public lists. A plan of 10 cards is about
 * 1.5 KB as JSON (bench/archive.ts prints it), so a full memo is tens of MB
 * at most; "no edition" entries cost only their key.
 */
export const PLAN_LIMIT = 10_000;

/** null: the pair makes no edition. */
export const editionPlans = createLru<EditionPlan | null>(PLAN_LIMIT);

export const planKey = (list: Pick<ArchiveList, 'id' | 'updatedAt'>, day: PaperPeriod) =>
  `${list.id}:${list.updatedAt.getTime()}:${day.period}:${day.version}`;
