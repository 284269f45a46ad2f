import { z } from 'zod';
import { policyConfigSchema } from '../policy/policy-config.ts';
import { gateSpecSchema } from '../ledger/promotion-gate.ts';

const gateName = z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, ".", "_" or "-"');

/** `drillbit.config.{ts,mts,json,yaml}` at the project root (or `--config FILE`). */
export const configSchema = z.strictObject({
  /** The release ledger. Relative to the config file. Default `.drillbit/ledger.ndjson` (under DRILLBIT_HOME when set). */
  ledger: z.string().min(1).max(4096).optional(),
  /** Rules that run before every deploy and halt it when they fail. Default: none. */
  policy: policyConfigSchema.optional(),
  /** Named promotion gates, for `drillbit promote --gate NAME` and `promote(…, { gate: 'NAME' })`. */
  gates: z.record(gateName, gateSpecSchema).default({}),
});

export type DrillbitConfig = z.output<typeof configSchema>;
export type DrillbitConfigInput = z.input<typeof configSchema>;

/** Gives a `drillbit.config.ts` its types; the value is validated when loaded. */
export function defineConfig<const T extends DrillbitConfigInput>(config: T): T {
  return config;
}
