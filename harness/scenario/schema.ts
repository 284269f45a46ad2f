import { z } from 'zod';
import { tryParseDuration } from '../util/duration.ts';
import { SeriesSelector } from '../guard/series-selector.ts';
import { DIGEST_PATTERN } from '../release/bundle-digest.ts';
import { parseTargetAddress } from './target-allowance.ts';

const MAX_DURATION_MS = 24 * 3_600_000;

/** "250ms", "5s", "1m", or milliseconds as a number; at most 24h. */
export const durationSchema = z.union([z.string(), z.number()]).superRefine((value, ctx) => {
  const ms = tryParseDuration(value);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: `expected a duration like "5s" or "250ms", got ${JSON.stringify(value)}` });
  else if (ms > MAX_DURATION_MS) ctx.addIssue({ code: 'custom', message: `duration ${JSON.stringify(value)} is longer than 24h` });
});

/** A PromQL series selector such as `shop_http_requests_total{code=~"5.."}`. */
const seriesSelectorSchema = z.string().min(1).max(1000).superRefine((value, ctx) => {
  try {
    SeriesSelector.parse(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
  }
});

const nameSchema = z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, ".", "_" or "-"');
const pathSchema = z.string().min(1).max(2000).regex(/^\//, 'expected a path starting with "/"');
const ratio = z.number().min(0).max(1);
const statusCode = z.number().int().min(100).max(599);

export const releaseRefSchema = z.union([
  z.string().min(1).max(4096),
  z.strictObject({
    bundle: z.string().min(1).max(4096),
    /** Pins the reference: the release must have this digest, or the run stops before it starts (exit 2). */
    digest: z.string().regex(DIGEST_PATTERN, 'expected a digest like "sha256:<64 hex digits>"').optional(),
  }),
]);

/** A promotion gate inside a scenario: the drill's own checks, and/or scenarios recorded in the ledger. */
export const stepGateSchema = z.strictObject({
  /** Every check of the drill so far passed, and the release is observed serving on every replica. Default true. */
  checks: z.boolean().default(true),
  /** Scenarios that must have passed on the release in earlier runs (the ledger's validate entries). */
  scenarios: z.array(z.string().min(1).max(200)).max(100).default([]),
  minPassRate: ratio.default(1),
  on: z.enum(['observed', 'lower-bound']).default('observed'),
  minAttempts: z.number().int().min(1).max(10_000).default(1),
});

export const serviceSchema = z.strictObject({
  /** Named releases of the service: bundle directories (local driver). */
  releases: z.record(nameSchema, releaseRefSchema).refine((r) => Object.keys(r).length > 0, 'a service needs at least one release'),
  /** Replicas per release. Default 1. */
  replicas: z.number().int().min(1).max(50).default(1),
  /** The last-known-good release. Default: the first release the drill deploys. */
  lkg: nameSchema.optional(),
  /** The LKG is the ledger's (`drillbit ledger lkg`), which must be one of `releases`: rollbacks go to it, verification expects it. */
  lkgFromLedger: z.boolean().optional(),
  /** Services this one calls; a release reaches them through `{url:<name>}` / `{addr:<name>}` placeholders, by way of a fault proxy per link. */
  dependsOn: z.array(nameSchema).max(50).default([]),
  /**
   * Env given to every replica of the service, from the environment of the drillbit process
   * (`{ env: 'SHOP_TOKEN' }`) or a file (`{ file: './token' }`, relative to the scenario), read
   * at run start. The values are never written to results, the journal, reports, metrics or logs.
   */
  secrets: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'), z.union([z.strictObject({ env: z.string().min(1).max(256) }), z.strictObject({ file: z.string().min(1).max(4096) })])).optional(),
  /** How a deploy replaces the running release. Default blue-green (the previous release stays warm). */
  strategy: z.enum(['blue-green', 'recreate']).default('blue-green'),
  /** The orchestrator's rolling update (`--driver swarm` only; see harness/drivers/swarm/README.md). Default: the driver's drill defaults. */
  update: z.lazy(() => swarmUpdateSchema).optional(),
});

/** Swarm's `UpdateConfig` for a service, as a scenario writes it; durations as elsewhere. */
export const swarmUpdateSchema = z.strictObject({
  /** Tasks updated at once; 0: all. Default 0 (the swarm driver's drill default). */
  parallelism: z.number().int().min(0).max(100).optional(),
  /** Pause between batches. Default 0. */
  delay: durationSchema.optional(),
  /** `start-first` or `stop-first`. Default: start-first for blue-green, stop-first for recreate. */
  order: z.enum(['start-first', 'stop-first']).optional(),
  /** How long after each task's update a failure still counts. Default 250ms. */
  monitor: durationSchema.optional(),
  /** What Swarm does when the update fails. Default rollback. */
  failureAction: z.enum(['rollback', 'pause', 'continue']).optional(),
  /** Share of failed tasks tolerated before the failure action. Default 0. */
  maxFailureRatio: z.number().min(0).max(1).optional(),
});

export const writeSpecSchema = z.strictObject({
  method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
  /** Path of the write; `{id}` is replaced by the write's unique id. */
  path: pathSchema,
  /** Body template; `{id}` is replaced by the write's id. Default `{"id":"{id}"}`. */
  body: z.string().max(65_536).default('{"id":"{id}"}'),
  contentType: z.string().default('application/json'),
  /** Statuses that acknowledge the write. Default 200, 201, 204. */
  ackStatuses: z.array(statusCode).min(1).default([200, 201, 204]),
  /** Statuses that mean the write was definitely not applied. Default: every 4xx. Others are indeterminate. */
  failStatuses: z.array(statusCode).optional(),
});

export const readBackSchema = z.union([
  z.strictObject({
    /** A list endpoint answering a JSON array of ids or of objects with `idField`. */
    list: pathSchema,
    idField: z.string().min(1).default('id'),
  }),
  z.strictObject({
    /** A per-id endpoint (`/orders/{id}`); `presentStatuses` mean the write is there. */
    byId: pathSchema.refine((p) => p.includes('{id}'), 'byId path needs an {id} placeholder'),
    presentStatuses: z.array(statusCode).min(1).default([200]),
  }),
]);

export const trafficSchema = z.strictObject({
  /** The service the load goes to, through its stable address. */
  target: nameSchema,
  /** Arrival rate in requests per second (open model). */
  rate: z.number().min(0).max(100_000),
  /** Read paths, chosen in turn. Default ["/"]. */
  reads: z.array(pathSchema).min(1).default(['/']),
  /** Acknowledged writes: a path (POST `{"id":"{id}"}`) or a full write spec. */
  writes: z.union([pathSchema, writeSpecSchema]).optional(),
  /** Share of requests that are writes when `writes` is set. Default 0.2. */
  writeShare: ratio.default(0.2),
  /** How acknowledged writes are read back after recovery. Default: GET on the write path as a list. */
  readBack: readBackSchema.optional(),
  /** Request timeout; a write that times out is indeterminate. Default 2s. */
  timeout: durationSchema.default('2s'),
  /** Most requests in flight; beyond it, arrivals are dropped and counted. Default 256. */
  maxInFlight: z.number().int().min(1).max(10_000).default(256),
});

export const sloSchema = z.strictObject({
  /** Most time from detection (or rollback start) to restored. */
  recoveryTime: durationSchema,
  /** Share of successful requests over the whole drill. Default 0.95. */
  availability: ratio.default(0.95),
  p95: durationSchema.optional(),
  p99: durationSchema.optional(),
  /** Acknowledged writes allowed to be lost. Default 0. */
  dataLoss: z.number().int().min(0).default(0),
  /** How long SLIs must hold once LKG is back, for the drill to call it restored. Default 1s. */
  stabilization: durationSchema.default('1s'),
});

/** The drivers a scenario can give its own targets for (`drivers.<name>`). */
export const DRIVER_NAMES = ['local', 'docker', 'swarm'] as const;
const driverNameSchema = z.enum(DRIVER_NAMES);

/** Targets of `slo` that one driver replaces (the others stay the scenario's). */
const sloOverrideSchema = z.strictObject({
  recoveryTime: durationSchema.optional(),
  availability: ratio.optional(),
  p95: durationSchema.optional(),
  p99: durationSchema.optional(),
  dataLoss: z.number().int().min(0).optional(),
  stabilization: durationSchema.optional(),
});

/** Per driver, what a step's own windows are there instead (`drivers: { swarm: { within: '8s' } }`). */
function stepOverrides<T extends z.ZodRawShape>(shape: T) {
  return z.partialRecord(driverNameSchema, z.strictObject(shape)).optional();
}

export const guardSchema = z
  .strictObject({
    errorRate: z.strictObject({ above: ratio, for: durationSchema.default('2s'), minSamples: z.number().int().min(1).default(5) }).optional(),
    latency: z
      .strictObject({ percentile: z.union([z.literal(50), z.literal(90), z.literal(95), z.literal(99)]).default(95), above: durationSchema, for: durationSchema.default('2s'), minSamples: z.number().int().min(1).default(5) })
      .optional(),
    /** A counter ratio read from the service's own Prometheus `/metrics`. */
    metrics: z
      .strictObject({ path: pathSchema.default('/metrics'), errors: seriesSelectorSchema, total: seriesSelectorSchema, above: ratio, for: durationSchema.default('2s') })
      .optional(),
    /** How often the analysis runs. Default 250ms. */
    interval: durationSchema.default('250ms'),
    /** What a failed analysis does. Default rollback (to the LKG). */
    then: z.enum(['rollback', 'abort']).default('rollback'),
  })
  .refine((g) => g.errorRate || g.latency || g.metrics, 'a guard needs errorRate, latency or metrics');

/** What a fault acts on: a service (its replicas at random, or all inbound links), one replica, or a link between two services. */
export const faultTargetSchema = z.union([
  nameSchema,
  z.strictObject({ service: nameSchema, replica: z.union([z.literal('random'), z.literal('all'), z.number().int().min(0).max(49)]).default('random') }),
  z.strictObject({ from: nameSchema, to: nameSchema }),
]);

const faultFields = {
  /** A fault type from the catalogue (`drillbit faults` lists them). */
  fault: z.string().min(1).max(100),
  target: faultTargetSchema,
  /** The fault type's own parameters; validated against its schema. */
  params: z.record(z.string(), z.unknown()).default({}),
  /** How long until the fault is reverted; without it, it lasts until the drill ends. */
  for: durationSchema.optional(),
  /** Chance the fault is injected at all, decided from the seed when the drill is planned. Default 1. */
  probability: ratio.default(1),
};

/** A fault on the timeline: at an offset from the drill's start, or at a seeded random offset in a range. */
export const scheduledFaultSchema = z.strictObject({
  at: z.union([durationSchema, z.strictObject({ between: z.tuple([durationSchema, durationSchema]) })]),
  ...faultFields,
});

const serviceRef = { service: nameSchema };
export const stepSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('deploy'), ...serviceRef, release: nameSchema, expect: z.enum(['healthy', 'rejected', 'any']).default('any') }),
  z.strictObject({ kind: z.literal('steady'), for: durationSchema }),
  z.strictObject({ kind: z.literal('wait'), for: durationSchema }),
  z.strictObject({ kind: z.literal('rollback'), ...serviceRef, to: nameSchema.optional() }),
  z.strictObject({ kind: z.literal('expectRollback'), service: nameSchema.optional(), within: durationSchema, drivers: stepOverrides({ within: durationSchema.optional() }) }),
  /** Drift detection on demand: what runs is compared with what the ledger says, now. */
  z.strictObject({ kind: z.literal('checkDrift'), expect: z.enum(['none', 'drift']).default('none') }),
  z.strictObject({
    kind: z.literal('promote'),
    ...serviceRef,
    release: nameSchema,
    /** The gate: a gate named in drillbit.config.* (its scenarios, plus the drill's checks), or a gate object. Default: the drill's checks. */
    gate: z.union([nameSchema, stepGateSchema]).default({ checks: true, scenarios: [], minPassRate: 1, on: 'observed', minAttempts: 1 }),
    /** What the gate should decide; a different outcome fails the step's check. Default promoted. */
    expect: z.enum(['promoted', 'refused', 'any']).default('promoted'),
    reason: z.string().max(1000).optional(),
  }),
  z.strictObject({ kind: z.literal('verifyRestored'), for: durationSchema.default('1s'), within: durationSchema.optional(), drivers: stepOverrides({ for: durationSchema.optional(), within: durationSchema.optional() }) }),
  z.strictObject({
    kind: z.literal('fault'),
    ...faultFields,
    /** Block the step until the fault is reverted (needs `for`). Default: inject and go on. */
    wait: z.boolean().default(false),
  }),
  z.strictObject({
    kind: z.literal('custom'),
    name: z.string().min(1).max(200),
    run: z.custom<(ctx: never) => unknown>((v) => typeof v === 'function', 'expected a function (custom steps exist only in TypeScript scenarios)'),
  }),
]);

/** An external dependency's address: `host:port` (`payments.internal:443`, `10.0.0.5:5432`, `[::1]:8080`). */
export const externalAddressSchema = z.string().max(300).refine((text) => parseTargetAddress(text) !== undefined, 'expected host:port (payments.internal:443, 10.0.0.5:5432), port 1 to 65535');

/** Where the environment comes from besides `services`: a compose file (container drivers only). */
export const environmentSchema = z.strictObject({
  /**
   * A compose file (`docker-compose.yml`): every compose service becomes a service of the
   * drill; the ones `services` lists with releases are under test, the others are
   * dependencies started from their compose image. `./` paths are relative to the scenario
   * file, others to the project root. Needs `--driver docker` or `swarm`.
   */
  compose: z.string().min(1).max(4096),
});

export const scenarioSchema = z.strictObject({
  name: z.string().min(1).max(200),
  description: z.string().max(10_000).optional(),
  tags: z.array(z.string().max(100)).max(100).optional(),
  /** The environment's source besides `services`. Default: `services` alone. */
  environment: environmentSchema.optional(),
  /** Docker driver: dependency links through the fault proxy as a container on the run's network (`container`) or host proxies (`host`). Default: the driver's (`host`). */
  faultProxy: z.enum(['host', 'container']).optional(),
  services: z.record(nameSchema, serviceSchema).refine((s) => Object.keys(s).length > 0, 'a scenario needs at least one service'),
  /**
   * Dependencies the drill does not run, by name: `host:port`. A service lists one in its
   * `dependsOn` and reaches it through a fault proxy of the run (`{url:<name>}`), so network
   * faults act on that link; it is not deployed, observed, rolled back or compared with an
   * LKG. A host other than loopback needs `--allow-target HOST` on `drillbit run`.
   */
  external: z.record(nameSchema, externalAddressSchema).optional(),
  traffic: trafficSchema.optional(),
  slo: sloSchema,
  guard: guardSchema.optional(),
  steps: z.array(stepSchema).min(1).max(1000),
  /** Faults on a schedule relative to the drill's start, alongside the steps. */
  faults: z.array(scheduledFaultSchema).max(1000).default([]),
  /**
   * Targets that differ on one driver, where the platform itself recovers differently (a
   * Swarm rollback is a rolling update, not a warm switch): `drivers.swarm.slo` replaces
   * those SLO targets on `--driver swarm`. Applied when the run starts; the results list them.
   */
  drivers: z.partialRecord(driverNameSchema, z.strictObject({ slo: sloOverrideSchema.optional() })).optional(),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type Step = z.output<typeof stepSchema>;
export type StepInput = z.input<typeof stepSchema>;
export type ServiceSpec = z.output<typeof serviceSchema>;
export type EnvironmentSource = z.output<typeof environmentSchema>;
export type TrafficSpec = z.output<typeof trafficSchema>;
export type WriteSpec = z.output<typeof writeSpecSchema>;
export type ReadBackSpec = z.output<typeof readBackSchema>;
export type SloSpec = z.output<typeof sloSchema>;
export type GuardSpec = z.output<typeof guardSchema>;
export type FaultTargetInput = z.input<typeof faultTargetSchema>;
export type ScheduledFault = z.output<typeof scheduledFaultSchema>;
export type FaultStep = Extract<Step, { kind: 'fault' }>;
export type StepGate = z.output<typeof stepGateSchema>;
export type DriverName = (typeof DRIVER_NAMES)[number];
