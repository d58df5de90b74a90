// What each command is for and which options it takes: plain data, so
// `paperboy --help` and `paperboy <command> --help` answer without loading
// any command's code (or a database driver).
export const COMMAND_HELP = {
  migrate: {
    summary: 'apply database migrations (works offline)',
    usage: 'paperboy migrate',
  },
  start: {
    summary: 'API server, workers, schedulers and the inbound SMTP listener in one process',
    usage: 'paperboy start\n  waits up to STARTUP_WAIT_SECONDS for Postgres, then exits 1 if it still does not answer',
  },
  serve: {
    summary: 'API server only',
    usage: 'paperboy serve\n  waits up to STARTUP_WAIT_SECONDS for Postgres, then exits 1 if it still does not answer',
  },
  worker: {
    summary: 'workers and schedulers only (run as many as you like)',
    usage: 'paperboy worker',
  },
  inbound: {
    summary: 'SMTP listener on INBOUND_SMTP_PORT for bounces, complaints and mailto unsubscribes',
    usage: 'paperboy inbound',
  },
  ingest: {
    summary: 'fetch papers from hf, arxiv or a file; prints a JSON summary',
    usage:
      'paperboy ingest --source hf|arxiv|file [--period YYYY-MM-DD] [--query ARXIV_QUERY] [--file PATH] [--limit N]\n' +
      '  --period   the Hugging Face daily page to read (default: today; --date is an alias)\n' +
      '  --limit    most arXiv results to read (default 100)',
  },
  digest: {
    summary: 'plan and send one period (--period D or --today); waits, prints a JSON summary',
    usage:
      'paperboy digest (--period YYYY-MM-DD | --today) [--dry-run] [--timeout SECONDS]\n' +
      '  --period   the period to send (--date is an alias)\n' +
      "  --today    today's period (UTC); one of the two is required\n" +
      '  --dry-run  plan and count only: writes nothing and sends nothing\n' +
      '  --timeout  stop waiting after this many seconds (exit 1 if deliveries are still open)',
  },
  import: {
    summary: 'import subscribers from a CSV file; prints a JSON report',
    usage:
      'paperboy import --file PATH [--status pending|active] [--existing skip|update]\n' +
      '  --status    pending (the default: each new address gets a confirmation email) or active (you vouch for consent)\n' +
      '  --existing  skip (default) or update addresses that are already subscribed',
  },
  demo: {
    summary: 'set up, ingest the sample, send a demo digest, then serve',
    usage:
      'paperboy demo [--once] [--verbose]\n  --once     exit after the digest\n  --verbose  show the log lines too',
  },
  token: {
    summary: 'admin API tokens: create, list, revoke',
    usage: 'paperboy token create --name NAME | token list [--all] | token revoke --id N',
  },
} as const;

export type CommandName = keyof typeof COMMAND_HELP;

export function commandUsage(name: CommandName): string {
  return `Usage: ${COMMAND_HELP[name].usage}\n`;
}

export function overallUsage(): string {
  const rows = Object.entries(COMMAND_HELP).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: paperboy <command> [options]\n\nCommands:\n${rows.join('\n')}\n\nRun \`paperboy <command> --help\` for a command's options.\n`;
}

/** node:util parseArgs errors carry advice about `--`; the first sentence names the option. */
export function firstSentence(message: string): string {
  return message.split(/\.\s/)[0]!.replace(/\.$/, '');
}

/** Prints a usage error for a command and sets exit status 2. */
export function usageError(name: CommandName, message: string): void {
  process.stderr.write(`paperboy ${name}: ${firstSentence(message)}\n${commandUsage(name)}`);
  process.exitCode = 2;
}
