// Peak resident memory of other processes (the measured worker, the pool's
// `paperboy worker` children), read from /proc (VmHWM): the kernel's
// high-water mark, so sampling misses no short spike, and a last sample of
// a live process gives its exact peak.
import { serverMemory } from '../admin/bench-env.js';

/** Samples the peak RSS of the processes `pids()` names (it may change: restarts) until stop(). */
export function trackPeakRssOf(pids: () => readonly number[], intervalMs = 100) {
  const peaks = new Map<number, number>();
  const sample = () =>
    Promise.all(
      pids().map((pid) =>
        serverMemory(pid).then(
          ({ peakMB }) => void peaks.set(pid, Math.max(peaks.get(pid) ?? 0, peakMB)),
          () => undefined, // exited, or not Linux
        ),
      ),
    );
  const timer = setInterval(() => void sample(), intervalMs);
  timer.unref();
  return {
    /** Takes a last sample, then the peak in MB of every process seen, by pid. */
    async stop(): Promise<Map<number, number>> {
      clearInterval(timer);
      await sample();
      return peaks;
    },
  };
}
