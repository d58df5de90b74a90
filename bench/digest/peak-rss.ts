// Peak resident memory of a benchmark's child process and of the processes
// it starts in turn (the pool's `paperboy worker` children), read from /proc
// (VmHWM) by the benchmark itself: the kernel's high-water mark, so sampling
// misses no short spike, and the measured processes load no code for it.
import { readFile } from 'node:fs/promises';
import { serverMemory } from '../admin/bench-env.js';

/**
 * Samples the peak RSS of `pid` and of each of its children until stop().
 * Children are looked for at every sample, so restarted ones count too; one
 * that lives less than an interval may be missed. A child's last sample comes
 * at most one interval before it exits, so only that much of its shutdown
 * goes unseen.
 */
export function trackPeakRssOf(pid: number, intervalMs = 100) {
  const peaks = new Map<number, number>();
  const record = (p: number) =>
    serverMemory(p).then(
      ({ peakMB }) => void peaks.set(p, Math.max(peaks.get(p) ?? 0, peakMB)),
      () => undefined, // exited, or not Linux
    );
  const sample = async () => void (await Promise.all([pid, ...(await childrenOf(pid))].map(record)));
  const timer = setInterval(() => void sample(), intervalMs);
  timer.unref();
  return {
    /** Takes a last sample, then the peak in MB of `pid` and of every child seen. */
    async stop(): Promise<{ peakMB: number; childPeaksMB: number[] }> {
      clearInterval(timer);
      await sample();
      const children = [...peaks].filter(([p]) => p !== pid).map(([, mb]) => mb);
      return { peakMB: peaks.get(pid) ?? 0, childPeaksMB: children };
    },
  };
}

/**
 * The processes `pid` started (Linux). Node spawns from its main thread, so
 * that thread's list holds them all.
 */
async function childrenOf(pid: number): Promise<number[]> {
  const list = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return list.split(' ').filter(Boolean).map(Number);
}
