import { z } from 'zod';

/** DESIGN.md §3 "Result JSON", as a schema: the fields others build on must be there with these types. */
const nullableNumber = z.number().nullable();
export const resultsContract = z.object({
  runId: z.string().min(1),
  startedAt: z.iso.datetime(),
  driver: z.string(),
  seed: z.number().int(),
  summary: z.object({ total: z.number(), passed: z.number(), failed: z.number(), errored: z.number(), passRate: z.number().min(0).max(1) }),
  scenarios: z.array(
    z.object({
      name: z.string(),
      file: z.string(),
      attempt: z.number().int().min(1),
      status: z.enum(['passed', 'failed', 'errored', 'aborted']),
      durationMs: z.number().min(0),
      recovery: z.object({ ttdMs: nullableNumber, ttrMs: nullableNumber, rtoMs: z.number(), withinSlo: z.boolean().nullable() }),
      lkg: z.record(z.string(), z.object({ expected: z.string().regex(/^sha256:[0-9a-f]{64}$/), observed: z.string(), match: z.boolean() })),
      slis: z.object({ availability: nullableNumber, p50Ms: nullableNumber, p95Ms: nullableNumber, p99Ms: nullableNumber, requests: z.number().int() }),
      data: z.object({ acked: z.number().int(), lost: z.number().int(), lostIds: z.array(z.string()), unexpected: z.number().int(), recovered: z.number().int(), indeterminate: z.number().int() }),
      checks: z.array(z.object({ name: z.string(), status: z.enum(['passed', 'failed', 'unknown']), message: z.string() })).min(1),
      timeline: z.array(z.looseObject({ tMs: z.number().min(0), type: z.string() })).min(1),
      // Additive (README, Output): what a scenario's drivers.<driver> blocks changed on the run's driver.
      driverOverrides: z.array(z.string().regex(/^(slo\.\w+|steps\[\d+\]\.\w+): .+ → .+$/)).min(1).optional(),
      // Additive (README, Output): the harness's own health while it measured (issue 13 §3).
      harness: z
        .object({ eventLoopDelayP99Ms: nullableNumber, sendLagP99Ms: nullableNumber, dropped: z.number().int().min(0), cpuMs: nullableNumber, machineCpu: nullableNumber, drillsAtOnce: z.number().int().min(1), saturatedChecks: z.array(z.string()) })
        .optional(),
    }),
  ),
});
