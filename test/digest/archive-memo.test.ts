// The archive's per-process memory is bounded: past its limit the least
// recently used entry goes first, whatever order keys were added in.
import { describe, expect, it } from 'vitest';
import { createLru } from '../../src/digest/archive-memo.js';

describe('createLru', () => {
  it('keeps at most its limit, dropping the least recently used', () => {
    const lru = createLru<number | null>(3);
    lru.set('a', 1);
    lru.set('b', null);
    lru.set('c', 3);
    expect(lru.get('a')).toBe(1);
    lru.set('d', 4);
    expect(lru.size).toBe(3);
    expect(lru.get('b')).toBeUndefined();
    expect([lru.get('a'), lru.get('c'), lru.get('d')]).toEqual([1, 3, 4]);
    lru.set('c', 30);
    lru.set('e', 5);
    expect(lru.get('a')).toBeUndefined();
    expect([lru.get('c'), lru.get('d'), lru.get('e')]).toEqual([30, 4, 5]);
  });
});
