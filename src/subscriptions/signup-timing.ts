// A new address is stored by one shared statement; an existing one by a
// locked transaction of several round trips, about three times slower (3 ms
// against 9-10 ms, median, on an idle server). Left alone, that gap would
// tell anyone timing the answer whether an address is subscribed, though the
// answer itself is the same. So the answer for a new address waits until a
// duration drawn from the recent ones for existing addresses: in
// distribution, both take the same time.
import { randomInt } from 'node:crypto';

export interface SignupTiming {
  /** Notes how long storing a sign-up for an existing address took. */
  recordExisting(ms: number): void;
  /** How long storing a new address should appear to take. */
  targetMs(): number;
}

export interface SignupTimingOptions {
  /** How many recent durations to draw from. */
  samples?: number;
  /** The target until an existing address has been seen. */
  initialMs?: number;
  /** No answer is held longer than this, however slow the database gets. */
  maxMs?: number;
}

export function createSignupTiming(options: SignupTimingOptions = {}): SignupTiming {
  const size = options.samples ?? 64;
  const initialMs = options.initialMs ?? 10;
  const maxMs = options.maxMs ?? 250;
  const recent: number[] = [];
  let oldest = 0;
  return {
    recordExisting(ms) {
      const value = Math.min(Math.max(ms, 0), maxMs);
      if (recent.length < size) {
        recent.push(value);
      } else {
        recent[oldest] = value;
        oldest = (oldest + 1) % size;
      }
    },
    targetMs() {
      return recent.length ? recent[randomInt(recent.length)]! : initialMs;
    },
  };
}

/** Holds a new address's answer until the drawn target; an existing address's duration joins the draw. */
export async function evenOutTiming(timing: SignupTiming | undefined, created: boolean, startedAt: number): Promise<void> {
  if (!timing) return;
  const took = performance.now() - startedAt;
  if (!created) {
    timing.recordExisting(took);
    return;
  }
  // Timers count whole milliseconds and would cut a fraction short.
  const wait = Math.ceil(timing.targetMs() - took);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
