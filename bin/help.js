// The help texts' layout, in plain JavaScript: bin/paperboy.js answers
// `--help` with it before loading tsx or the build (well under 0.5 s), and
// src/cli/usage.ts formats usage errors with the same functions. The texts
// are src/cli/commands.json (dist/cli/commands.json in a build).

const isHelp = (arg) => arg === '--help' || arg === '-h';

/** "Usage: …" for one command. */
export function commandUsage(commands, name) {
  return `Usage: ${commands[name].usage.join('\n')}\n`;
}

/** Every command with its summary. */
export function overallUsage(commands) {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: paperboy <command> [options]\n\nCommands:\n${rows.join('\n')}\n\nRun \`paperboy <command> --help\` for a command's options.\n`;
}

/**
 * What `paperboy <argv>` prints when it asks for help (nothing, --help, -h,
 * `help [command]`, or a known command with --help); null when it asks for
 * anything else, an unknown command included (that is a usage error).
 */
export function helpFor(commands, argv) {
  const [name, ...args] = argv;
  if (name === undefined || isHelp(name) || name === 'help') {
    const topic = name === 'help' ? args[0] : undefined;
    return topic !== undefined && Object.hasOwn(commands, topic)
      ? commandUsage(commands, topic)
      : overallUsage(commands);
  }
  if (Object.hasOwn(commands, name) && args.some(isHelp))
    return `${commands[name].summary}\n\n${commandUsage(commands, name)}`;
  return null;
}
