import { join, resolve } from 'node:path';
import type { CliEnvironment } from '../cli/cli-environment.ts';
import { loadConfig, type LoadedConfig } from '../config/config-loader.ts';
import { Ledger } from './ledger.ts';

export interface LedgerFlags {
  /** `--ledger FILE`. */
  ledger?: string;
  /** `--config FILE`. */
  config?: string;
}

/** Where the ledger is: `--ledger`, else `DRILLBIT_LEDGER`, else the config's `ledger`, else `<state dir>/ledger.ndjson`. */
export function ledgerPath(flags: LedgerFlags, cli: CliEnvironment, loaded: LoadedConfig): string {
  if (flags.ledger) return resolve(cli.cwd, flags.ledger);
  if (cli.ledgerPath) return resolve(cli.cwd, cli.ledgerPath);
  return loaded.config.ledger ?? join(cli.stateDir, 'ledger.ndjson');
}

export async function openLedger(flags: LedgerFlags, cli: CliEnvironment, loaded?: LoadedConfig): Promise<Ledger> {
  const config = loaded ?? (await loadConfig(cli.cwd, flags.config));
  return new Ledger(ledgerPath(flags, cli, config), cli.actor ?? 'unknown', (message) => cli.stderr(`warning: ${message}\n`));
}
