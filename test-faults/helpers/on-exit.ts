// Servers the suite starts outside its own process tree (pg_ctl daemonizes
// Postgres) or as children that would outlive it must not survive a failed
// or interrupted run: synchronous cleanups, run on exit and on SIGINT/SIGTERM.
const cleanups = new Set<() => void>();
let hooked = false;

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    try {
      cleanup();
    } catch {
      // best effort: the next cleanup still runs
    }
  }
  cleanups.clear();
}

/** Registers a synchronous cleanup; returns the function that unregisters it. */
export function onProcessEnd(cleanup: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.once('exit', runAll);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        runAll();
        process.kill(process.pid, signal); // the default action, now that the handler is gone
      });
    }
  }
  cleanups.add(cleanup);
  return () => void cleanups.delete(cleanup);
}
