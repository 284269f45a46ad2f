import { existsSync } from 'node:fs';
import { ExitCode, badInput } from '../errors.ts';
import type { CliEnvironment } from '../cli/cli-environment.ts';
import { entryServices } from './ledger-entry.ts';
import { formatLedgerTable } from './ledger-table.ts';
import { ledgerServices } from './lkg.ts';
import { openLedger, type LedgerFlags } from './ledger-location.ts';

/** `drillbit ledger show [--service S]`: the lineage as a table. */
export async function ledgerShowCommand(flags: LedgerFlags & { service?: string; json?: boolean }, cli: CliEnvironment): Promise<number> {
  const ledger = await existingLedger(flags, cli);
  const entries = (await ledger.entries()).filter((e) => !flags.service || entryServices(e).includes(flags.service));
  if (flags.json) {
    cli.stdout(`${JSON.stringify(entries, null, 2)}\n`);
    return ExitCode.ok;
  }
  cli.stdout(`ledger ${ledger.path}${flags.service ? `, service ${flags.service}` : ''}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}\n`);
  if (entries.length) cli.stdout(formatLedgerTable(entries));
  const verdict = await ledger.verify();
  if (!verdict.ok) cli.stderr(`warning: the chain is broken (${verdict.breaks[0]!.message}); run drillbit ledger verify\n`);
  return ExitCode.ok;
}

/** `drillbit ledger verify`: exit 0 when the chain holds, 1 naming each broken entry, 2 when there is no ledger. */
export async function ledgerVerifyCommand(flags: LedgerFlags, cli: CliEnvironment): Promise<number> {
  const ledger = await existingLedger(flags, cli);
  const verdict = await ledger.verify();
  const torn = verdict.tornTail;
  if (torn) cli.stdout(`TORN ${ledger.path}:${torn.line}: ${torn.bytes} bytes after the last entry are not an entry: an append was interrupted mid-write (never acknowledged); the next append sets them aside in ${ledger.path}.torn-<time>\n`);
  if (verdict.ok) {
    cli.stdout(`ledger ${ledger.path}: ${verdict.entries} entries, chain intact; head ${verdict.head ?? 'none'}\n`);
    return ExitCode.ok;
  }
  for (const found of verdict.breaks) cli.stdout(`BROKEN ${ledger.path}:${found.line}: ${found.message}\n`);
  cli.stdout(`ledger ${ledger.path}: ${verdict.breaks.length} break${verdict.breaks.length === 1 ? '' : 's'} in ${verdict.entries} entries\n`);
  return ExitCode.failed;
}

/** `drillbit ledger lkg SERVICE`: the current last-known-good release, or exit 1 when there is none. */
export async function ledgerLkgCommand(service: string, flags: LedgerFlags, cli: CliEnvironment): Promise<number> {
  const ledger = await existingLedger(flags, cli);
  const entries = await ledger.trustedEntries();
  if (!ledgerServices(entries).includes(service)) {
    throw badInput(`ledger ${ledger.path}: no service "${service}"`, `the services in it are ${ledgerServices(entries).join(', ') || 'none'}`);
  }
  const lkg = await ledger.lkg(service);
  if (!lkg) {
    cli.stdout(`${service}: no last-known-good release (no release has passed a promotion gate)\n`);
    return ExitCode.failed;
  }
  const how = lkg.since.type === 'promote' ? `promoted at ${lkg.since.at}` : `restored by the rollback at ${lkg.since.at}`;
  cli.stdout(`${service} ${lkg.version} ${lkg.digest} (${how}, entry ${lkg.since.seq})\n`);
  return ExitCode.ok;
}

async function existingLedger(flags: LedgerFlags, cli: CliEnvironment) {
  const ledger = await openLedger(flags, cli);
  if (!existsSync(ledger.path)) throw badInput(`no ledger at ${ledger.path}`, 'a ledger is written by `drillbit run`; pass --ledger FILE (or set DRILLBIT_LEDGER) to read another one');
  return ledger;
}

