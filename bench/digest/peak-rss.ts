// Peak resident memory of other processes (the measured worker, the pool's
// `paperboy worker` children), read from /proc/<pid>/status (VmHWM): the
// kernel's high-water mark, so sampling misses no short spike, and a last
// sample of a live process gives its exact peak.
import { readFile } from 'node:fs/promises';

async function vmHwmMB(pid: number): Promise<number | undefined> {
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined; // exited, or not Linux
  }
}

/** Samples the peak RSS of the processes `pids()` names (it may change: restarts) until stop(). */
export function trackPeakRss(pids: () => readonly number[], intervalMs = 100) {
  const peaks = new Map<number, number>();
  const sample = () =>
    Promise.all(
      pids().map(async (pid) => {
        const mb = await vmHwmMB(pid);
        if (mb !== undefined) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, mb));
      }),
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
