// Every command reads its flags the same way: strict (an unknown or
// malformed flag is a usage error, never ignored) and with node's own
// message, which names the flag.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

type Flags<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; strict: true; options: O }>>['values'];

/** The flags' values, or node's message about the one it cannot take. */
export function parseFlags<const O extends Options>(args: string[], options: O): Flags<O> | string {
  try {
    return parseArgs({ args, strict: true, options }).values;
  } catch (error) {
    // Only the user's flags end up here: a mistake in `options` is a bug, not a usage error.
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS_'))
      return error.message;
    throw error;
  }
}
