/** Where harness components write diagnostics; the CLI decides where they go. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {} };

export function prefixLogger(log: Logger, prefix: string): Logger {
  return {
    debug: (m) => log.debug(`${prefix} ${m}`),
    info: (m) => log.info(`${prefix} ${m}`),
    warn: (m) => log.warn(`${prefix} ${m}`),
  };
}
