// One way to stop waiting for Redis or Postgres, shared by the paths that
// must answer anyway (sign-up limits, mail enqueues, readiness checks).

/**
 * `promise`, or a rejection with `message` once `ms` have passed. Timers run
 * before I/O in each turn of the event loop, so after a stall (a long GC, a
 * busy machine) a bare timer would beat a reply that has already arrived;
 * the rejection waits for setImmediate, after that turn's I/O has been read.
 * A failure of `promise` after the timeout is handled by the race, never
 * an unhandled rejection.
 */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  message = `timed out after ${ms} ms`,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let late: NodeJS.Immediate | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      late = setImmediate(() => reject(new Error(message)));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
    clearImmediate(late);
  }
}
