// `prisma generate` offline: generate never runs the schema engine, but the
// CLI insists on locating one, and downloading it needs the internet. Any
// existing executable satisfies the lookup.
import { spawnSync } from 'node:child_process';

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const result = spawnSync('npx', ['prisma', 'generate'], { stdio: 'inherit', env, shell: process.platform === 'win32' });
process.exit(result.status ?? 1);
