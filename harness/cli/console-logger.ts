import type { Logger } from '../runner/logger.ts';

/** Diagnostics to stderr; debug lines only with --verbose. */
export function consoleLogger(verbose: boolean, write: (text: string) => void = (t) => process.stderr.write(t)): Logger {
  return {
    debug: (m) => {
      if (verbose) write(`debug: ${m}\n`);
    },
    info: (m) => {
      if (verbose) write(`${m}\n`);
    },
    warn: (m) => write(`warning: ${m}\n`),
  };
}
