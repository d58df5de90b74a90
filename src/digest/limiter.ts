// A process-wide cap on messages being handed to SMTP. The pool sends only
// poolSize at a time anyway; a message built long before its turn just sits
// in memory (and gets promoted to the old heap), so batches running side by
// side share one small window of built messages.
export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export function createLimiter(capacity: number): Limiter {
  let active = 0;
  const waiting: Array<() => void> = [];
  return {
    async run(fn) {
      if (active >= capacity) await new Promise<void>((resolve) => waiting.push(resolve));
      else active++;
      try {
        return await fn();
      } finally {
        // Hand the slot straight to the next waiter, or free it.
        const next = waiting.shift();
        if (next) next();
        else active--;
      }
    },
  };
}
