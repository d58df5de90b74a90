// Prometheus metrics: defaults plus the app's own counters, one registry per
// app instance so tests do not share state.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'paperboy_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    signups: new Counter({
      name: 'paperboy_signups_total',
      help: 'Sign-ups answered, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    emails: new Counter({
      name: 'paperboy_emails_total',
      help: 'Emails handed to SMTP, by kind and result',
      labelNames: ['kind', 'result'] as const,
      registers: [registry],
    }),
    papersIngested: new Counter({
      name: 'paperboy_papers_ingested_total',
      help: 'Papers ingested, by source and outcome',
      labelNames: ['source', 'outcome'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
