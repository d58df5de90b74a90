// Rendered content groups kept per process, least recently used out first.
// A cache only: any worker can rebuild any group from Postgres, so a second
// worker never needs what this one holds.
import type { RenderedGroup } from './renderer.js';

export interface GroupCache {
  /** The cached value, or build() once and keep it (null too: "nothing to send"). */
  get(key: string, build: () => RenderedGroup | null): RenderedGroup | null;
  readonly size: number;
  /** How many times build() ran: a measure of render work. */
  readonly renders: number;
}

export function createGroupCache(capacity = 64): GroupCache {
  const entries = new Map<string, RenderedGroup | null>();
  let renders = 0;
  return {
    get(key, build) {
      if (entries.has(key)) {
        const value = entries.get(key)!;
        // Re-insert: Map keeps insertion order, so the first key is the least recent.
        entries.delete(key);
        entries.set(key, value);
        return value;
      }
      const value = build();
      renders++;
      entries.set(key, value);
      if (entries.size > capacity) entries.delete(entries.keys().next().value!);
      return value;
    },
    get size() {
      return entries.size;
    },
    get renders() {
      return renders;
    },
  };
}
