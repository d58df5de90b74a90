// The API server for the admin benchmarks, in its own process so that its
// memory is measured alone: prints {"port"} once listening, serves until
// stdin closes. Configured by the environment, like `paperboy serve`.
import type { Server } from 'node:http';
import { loadConfig } from '../../src/config.js';
import { createContext } from '../../src/context.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';

const config = loadConfig();
const ctx = createContext(config, { logger: createLogger('warn') });
const server = await new Promise<Server>((resolve) => {
  const s = createApp(ctx).listen(0, '127.0.0.1', () => resolve(s));
});
process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  server.close();
  void ctx.close().then(() => process.exit(0));
});
