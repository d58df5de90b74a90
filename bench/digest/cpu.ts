// Where the machine's CPU goes during a send: the sink and Postgres share
// the cores with the workers, so their CPU per email bounds what a pool of
// workers can gain on a small machine.
import { readdirSync, readFileSync } from 'node:fs';
import { cpuMsOf } from '../signup/processes.js';

/** CPU so far (user + system, ms) of each `postgres` process on this machine: the bench is its only client. */
function postgresCpuByPid(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue; // exited meanwhile
    }
    const ms = cpuMsOf(Number(entry));
    if (ms !== null) byPid.set(Number(entry), ms);
  }
  return byPid;
}

/**
 * Samples the sink's and Postgres' CPU until stopped. Backends exit with the
 * worker that opened them, so each is sampled while it lives and counted
 * from its first reading (or from 0 when it started during the run).
 */
export function startCpuMeter(sinkPid: number | undefined, intervalMs = 200) {
  const sinkStart = cpuMsOf(sinkPid) ?? 0;
  const first = postgresCpuByPid();
  const last = new Map(first);
  const sample = () => {
    for (const [pid, ms] of postgresCpuByPid()) {
      if (!last.has(pid)) first.set(pid, 0);
      last.set(pid, ms);
    }
  };
  const timer = setInterval(sample, intervalMs);
  return (emails: number) => {
    clearInterval(timer);
    sample();
    let postgres = 0;
    for (const [pid, ms] of last) postgres += ms - (first.get(pid) ?? 0);
    const perEmail = (ms: number) => Math.round((ms / Math.max(1, emails)) * 1000) / 1000;
    return {
      sinkCpuMsPerEmail: perEmail((cpuMsOf(sinkPid) ?? 0) - sinkStart),
      postgresCpuMsPerEmail: perEmail(postgres),
    };
  };
}
