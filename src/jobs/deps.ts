// What the processors need from the composition root. Declared here, not
// imported from src/context.ts: the context builds the queues (it imports
// src/jobs), so src/jobs importing it back would tie the two in a cycle.
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import type { Logger } from '../logger.js';
import type { MailTransport } from '../mail/transport.js';
import type { Metrics } from '../metrics.js';
import type { Redis } from '../redis.js';
import type { JobPorts } from './ports.js';
import type { Queues } from './queues.js';

export interface JobContext extends JobPorts {
  config: Config;
  logger: Logger;
  db: Db;
  /** The fail-fast command connection. */
  redis: Redis;
  queues: Queues;
  metrics: Metrics;
  mailer: MailTransport;
}
