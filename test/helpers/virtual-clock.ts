// Time that moves only when code sleeps: tests of paced or backed-off work
// (the 3 s between arXiv requests) assert exact times and cost no wall time.
import type { Clock } from '../../src/papers/arxiv-enrichment.js';

export class VirtualClock implements Clock {
  private t = 0;

  now(): number {
    return this.t;
  }

  async sleep(ms: number): Promise<void> {
    this.t += ms;
  }
}
