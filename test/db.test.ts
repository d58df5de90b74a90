// The connection settings every Paperboy connection gets, whichever path
// (Prisma or a prepared statement on the pool) runs a statement.
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, queryPrepared } from '../src/db.js';
import { serverUrl } from './helpers/database.js';

describe('createDb', () => {
  const db = createDb(serverUrl(), { max: 2 });
  afterAll(async () => {
    await db.$disconnect();
  });

  it('turns JIT compiling off on every connection', async () => {
    const [viaPrisma, viaPool] = await Promise.all([
      db.$queryRawUnsafe<Array<{ jit: string }>>('SHOW jit'),
      queryPrepared<{ jit: string }>(db, 'test-show-jit', 'SHOW jit', []),
    ]);
    expect(viaPrisma[0]!.jit).toBe('off');
    expect(viaPool[0]!.jit).toBe('off');
  });
});
