import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logErrorsEvery } from '../src/logger.js';

describe('logErrorsEvery', () => {
  it('logs the first error, then at most one per interval with the count it held back', () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        callback();
      },
    });
    let now = 1_000_000;
    const onError = logErrorsEvery(createLogger('info', sink), 'redis_error', 60_000, () => now);
    onError(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    for (let i = 0; i < 50; i += 1) {
      now += 1000;
      onError(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    }
    // 50 seconds of errors: only the first one is written.
    expect(lines.map((l) => [l.event, l.suppressed])).toEqual([['redis_error', 0]]);
    now += 10_000;
    onError(new Error('still down'));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ event: 'redis_error', err: 'still down', suppressed: 50 });
  });
});
