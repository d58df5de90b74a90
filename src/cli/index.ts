// The `paperboy` command: one table of subcommands, each a small function.
import { loadConfig, ConfigError, type Config } from '../config.js';
import { createContext } from '../context.js';
import { applyMigrations } from '../migrations/apply-migrations.js';
import { runIngestCommand } from './ingest.js';
import { runDigestCommand } from './digest.js';
import { runTokenCommand } from './token.js';
import { runDemo } from '../demo/run-demo.js';
import { runUntilSignal, startInbound, startServer, startWorker } from './run.js';

interface Command {
  summary: string;
  run(args: string[], config: Config): Promise<void>;
}

const COMMANDS: Record<string, Command> = {
  migrate: {
    summary: 'apply database migrations (works offline)',
    async run(_args, config) {
      const { applied } = await applyMigrations({ databaseUrl: config.databaseUrl });
      console.log(JSON.stringify({ applied }));
    },
  },
  start: {
    summary: 'API server, workers, schedulers and the inbound SMTP listener in one process',
    run: (_args, config) => runUntilSignal(createContext(config), [startServer, startWorker, startInbound]),
  },
  serve: {
    summary: 'API server only',
    run: (_args, config) => runUntilSignal(createContext(config), [startServer]),
  },
  worker: {
    summary: 'workers and schedulers only (run as many as you like)',
    run: (_args, config) => runUntilSignal(createContext(config), [startWorker]),
  },
  inbound: {
    summary: 'SMTP listener on INBOUND_SMTP_PORT for bounces, complaints and mailto unsubscribes',
    run: (_args, config) => runUntilSignal(createContext(config), [startInbound]),
  },
  ingest: {
    summary: 'fetch papers: --source hf|arxiv|file [--date D] [--query Q] [--file PATH]; prints a JSON summary',
    run: runIngestCommand,
  },
  digest: { summary: 'plan and send a period: --date YYYY-MM-DD [--dry-run]; waits, prints a JSON summary', run: runDigestCommand },
  demo: { summary: 'set up, ingest the sample, send a demo digest, then serve (--once: exit after the digest)', run: runDemo },
  token: { summary: 'admin API tokens: create --name NAME (prints it once) | list [--all] | revoke --id N', run: runTokenCommand },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: paperboy <command> [options]\n\nCommands:\n${rows.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(usage());
    process.exitCode = name && name !== 'help' && name !== '--help' ? 2 : 0;
    return;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`paperboy: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  await command.run(args, config);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`paperboy: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
