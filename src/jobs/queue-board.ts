// The BullMQ dashboard (bull-board) over the app's queues. Built here, where
// the queues are known; src/http mounts it behind the admin tokens.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Router } from 'express';
import type { Queues } from './queues.js';

export function createQueueBoard(queues: Queues, basePath: string): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    // Read-only but for retrying failed jobs: adding or editing a job from a
    // browser could, for one, point the ingest job at any file on a worker.
    queues: Object.values(queues).map((queue) => new BullMQAdapter(queue, { readOnlyMode: true, allowRetries: true })),
    // @bull-board/express pins its own copy of @bull-board/api one patch
    // release apart: the same interface under two type identities.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'Paperboy queues' } },
  });
  return serverAdapter.getRouter() as Router;
}
