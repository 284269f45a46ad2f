import { z } from 'zod';
import { policyConfigSchema } from '../policy/policy-config.ts';
import { gateSpecSchema } from '../ledger/promotion-gate.ts';

const gateName = z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, ".", "_" or "-"');

const validRegex = z.string().min(1).max(1000).refine((source) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}, 'expected a regular expression');

/**
 * Defaults of `drillbit run`, as `playwright.config.ts` sets those of `playwright test`: a
 * flag overrides each (harness/config/run-settings.ts). README "Config defaults".
 */
export const runDefaultsShape = {
  /** `--driver`: local, docker or swarm. Default local. */
  driver: z.string().min(1).max(50).optional(),
  /** `--reporter`, as a list. Default ['list', 'json'] (json is always among them). */
  reporters: z.array(z.string().min(1).max(50)).min(1).max(10).optional(),
  /** `--output`, relative to this file; `{runId}` becomes the run's id. Default reports/{runId} under the working directory. */
  output: z.string().min(1).max(4096).optional(),
  /** `--parallel`. Default: what the machine holds. */
  parallel: z.number().int().min(1).max(64).optional(),
  /** `--repeat`. Default 1. */
  repeat: z.number().int().min(1).max(1000).optional(),
  /** `--seed`. Default: a new one each run (printed, so it can be replayed). */
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  /** `--grep`: only scenarios whose name matches. Default: all. */
  grep: validRegex.optional(),
};

/** `drillbit.config.{ts,mts,json,yaml}` at the project root (or `--config FILE`). */
export const configSchema = z.strictObject({
  ...runDefaultsShape,
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
