// One autocannon run and the figures the sign-up benchmark reports for it.
import autocannon from 'autocannon';

export interface LoadFigures {
  target: string;
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  /** 2xx answers per second: for POST /subscribe, the sign-ups per second. */
  okPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  ok: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
}

export interface LoadOptions {
  url: string;
  target: string;
  connections: number;
  seconds: number;
  requests?: autocannon.Request[];
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    pipelining: 1,
    timeout: 10,
    ...(options.requests ? { requests: options.requests } : {}),
  });
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, (stats as { count: number }).count]),
  );
  const completed = result.requests.total;
  return {
    target: options.target,
    connections: options.connections,
    seconds: result.duration,
    requests: completed,
    requestsPerSecond: round(completed / result.duration),
    okPerSecond: round(result['2xx'] / result.duration),
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    ok: result['2xx'],
    non2xx: result.non2xx,
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** A short line for the progress log. */
export function describeLoad(f: LoadFigures): string {
  return `${f.target}: ${f.requestsPerSecond} req/s (2xx ${f.okPerSecond}/s), p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, non-2xx ${f.non2xx}, errors ${f.errors}`;
}
