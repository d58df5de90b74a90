// A new address is stored by one shared statement; an existing one by a
// locked transaction of several round trips, about three times slower. Left
// alone, that gap tells anyone timing the answer whether an address is
// subscribed, though the answer itself is the same. Holding only the fast
// path until a duration drawn from the slow one was not enough (the review
// still told them apart: the draw lagged and the tails differed). So both
// paths now wait until one drawn duration, set above nearly every store time
// of either path: the answer goes at the drawn time, whichever path ran.
import { randomInt } from 'node:crypto';

export interface SignupTiming {
  /** Notes how long storing a sign-up took, whichever path it took. */
  record(ms: number): void;
  /** When, counted from the sign-up's start, its answer should go. */
  targetMs(): number;
}

/** Time and sleep, injectable so tests run on a virtual clock. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface SignupTimingOptions {
  /** How many recent store times to keep. */
  samples?: number;
  /** The floor of the target until enough store times are known, and always. */
  minMs?: number;
  /** The target sits at this quantile of recent store times… */
  quantile?: number;
  /** …plus a uniform draw in [0, jitterMs), so no single value gives it away. */
  jitterMs?: number;
  /** No answer is held longer than this, however slow the database gets. */
  maxMs?: number;
  /** Uniform integer in [0, n): injectable for deterministic tests. */
  draw?: (n: number) => number;
}

export function createSignupTiming(options: SignupTimingOptions = {}): SignupTiming {
  const size = options.samples ?? 128;
  const minMs = options.minMs ?? 15;
  const quantile = options.quantile ?? 0.99;
  const jitterMs = options.jitterMs ?? 10;
  // High on purpose: on a loaded server store times reach hundreds of ms,
  // and a cap below them would let the slower path show again.
  const maxMs = options.maxMs ?? 1000;
  const draw = options.draw ?? randomInt;
  // The ring of recent store times, and the same values kept sorted: each
  // record moves one value in the sorted copy instead of sorting it anew,
  // which a CPU profile of the sign-up benchmark put at 3 % of the server.
  const recent: number[] = [];
  const sorted: number[] = [];
  let oldest = 0;
  let ceiling = minMs;
  return {
    record(ms) {
      const value = Math.min(Math.max(ms, 0), maxMs);
      if (recent.length < size) recent.push(value);
      else {
        sorted.splice(lowerBound(sorted, recent[oldest]!), 1);
        recent[oldest] = value;
        oldest = (oldest + 1) % size;
      }
      sorted.splice(lowerBound(sorted, value), 0, value);
      ceiling = Math.max(minMs, sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))]!);
    },
    targetMs() {
      return Math.min(maxMs, ceiling + draw(jitterMs));
    },
  };
}

/** The first index of a sorted array whose value is not below `value`. */
function lowerBound(values: readonly number[], value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (values[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Both paths: note how long the store took, then hold the answer until the
 * drawn target. Without a timing (tests, tools), answer at once.
 */
export async function evenOutTiming(
  timing: SignupTiming | undefined,
  startedAt: number,
  clock: Clock = realClock,
): Promise<void> {
  if (!timing) return;
  const took = clock.now() - startedAt;
  const target = timing.targetMs();
  timing.record(took);
  // Timers count whole milliseconds and would cut a fraction short.
  const wait = Math.ceil(target - took);
  if (wait > 0) await clock.sleep(wait);
}
