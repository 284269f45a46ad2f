import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Driver, DriverContext, EnvironmentSpec, ResolvedRelease, StartedEnvironment } from '../../harness/drivers/driver.ts';
import { removeReadOnlyTree } from '../../harness/release/release-store.ts';
import { silentLogger } from '../../harness/runner/logger.ts';
import { TeardownStack } from '../../harness/runner/teardown-stack.ts';
import { Timeline } from '../../harness/runner/timeline.ts';
import { SeededRandom } from '../../harness/util/seeded-random.ts';

/** What a driver's conformance run needs to know about it. */
export interface DriverConformanceOptions {
  /** The driver's name, in the suite's title and the run ids. */
  name: string;
  /** A fresh driver; called once per suite, after `available` said yes. */
  driver: () => Driver;
  /** A reason to skip the whole suite (no engine), or undefined to run it; a throw fails the suite. */
  available?: () => Promise<string | undefined>;
  /** Descriptions of anything of the run still there (processes, containers, networks, volumes); empty when clean. */
  leftovers: (runId: string, workDir: string) => Promise<string[]>;
  /** Multiplies every timeout and polling deadline (a container engine is slower than processes). Default 1. */
  timeoutScale?: number;
  /**
   * Conformance tests the driver is known to fail, each with the reason. They run as expected
   * failures (`it.fails`): the suite stays green, and turns red once the driver is fixed, so
   * the entry gets removed. Default none.
   */
  knownDeviations?: Partial<Record<KnownDeviation, string>>;
  /**
   * The fault surfaces the driver offers (its contract). A fault test whose surface is
   * listed and missing fails; one whose surface is not listed is skipped with the reason,
   * or fails under DRILLBIT_REQUIRE_FAULT_SURFACES=1 (CI).
   */
  faultSurfaces: readonly FaultSurfaceName[];
}

/** `processFaults`: kill, stop, pause, HTTP faults on a replica; `links`: a fault proxy on every `dependsOn` edge. */
export type FaultSurfaceName = 'processFaults' | 'links';

/** The tests a driver may declare as known deviations (`knownDeviations`). */
export type KnownDeviation =
  | 'down-closes-every-address'
  /** The rollback to the warm release is not much faster than a deploy (swarm: no warm release; a rollback is a rolling update). The timing assertion alone is left out, annotated with the reason. */
  | 'rollback-to-warm-is-fast';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The real fixture bundles (fixtures/README.md) every driver deploys. */
export const FIXTURES = {
  shopV1: { service: 'shop', name: 'v1', path: 'fixtures/shop/v1' },
  shopV2: { service: 'shop', name: 'v2', path: 'fixtures/shop/v2' },
  shopV2Crash: { service: 'shop', name: 'v2-crash', path: 'fixtures/shop/v2-crash' },
  shopV2Unhealthy: { service: 'shop', name: 'v2-unhealthy', path: 'fixtures/shop/v2-unhealthy' },
  shopV1WithStock: { service: 'shop', name: 'v1-with-stock', path: 'fixtures/shop/v1-with-stock' },
  stockV1: { service: 'stock', name: 'v1', path: 'fixtures/stock/v1' },
} as const;

export type Fixture = keyof typeof FIXTURES;

/** One environment of the suite, with the context it was started with. */
export interface Run {
  env: StartedEnvironment;
  ctx: DriverContext;
}

/** `shop` alone. */
export function shopSpec(replicas = 1, strategy: 'blue-green' | 'recreate' = 'blue-green'): EnvironmentSpec {
  return { services: { shop: { replicas, strategy } } };
}

/** `stock` and `shop`, which depends on it through the shop->stock link's fault proxy. */
export function shopWithStockSpec(): EnvironmentSpec {
  return {
    services: { stock: { replicas: 1, strategy: 'blue-green' }, shop: { replicas: 1, strategy: 'blue-green', dependsOn: ['stock'] } },
    links: [{ from: 'shop', to: 'stock' }],
  };
}

/**
 * The suite's shared state: one driver, the resolved fixture releases, and every run it
 * started, each torn down and checked for leftovers after its test.
 */
export class ConformanceHarness {
  private driverInstance: Driver | undefined;
  private resolved: Partial<Record<Fixture, ResolvedRelease>> = {};
  private root: string | undefined;
  /** Contexts of the runs not yet cleaned up. */
  private contexts: DriverContext[] = [];
  private counter = 0;
  private readonly runPrefix: string;

  constructor(readonly options: DriverConformanceOptions) {
    this.runPrefix = `conf-${options.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${process.pid}-${Date.now().toString(36)}`;
  }

  get driver(): Driver {
    if (!this.driverInstance) throw new Error('conformance harness: setup() has not run');
    return this.driverInstance;
  }

  /** Milliseconds scaled for the driver under test. */
  ms(base: number): number {
    return Math.round(base * (this.options.timeoutScale ?? 1));
  }

  async setup(): Promise<void> {
    this.root = await mkdtemp(join(tmpdir(), 'drillbit-conformance-'));
    this.driverInstance = this.options.driver();
    const storeDir = join(this.root, 'store');
    // One at a time: an engine building images, or a store copying bundles, is not raced.
    for (const [key, fixture] of Object.entries(FIXTURES) as [Fixture, (typeof FIXTURES)[Fixture]][]) {
      this.resolved[key] = await this.driver.resolveRelease(fixture.service, fixture.name, resolve(PROJECT_ROOT, fixture.path), PROJECT_ROOT, { storeDir });
    }
  }

  release(fixture: Fixture): ResolvedRelease {
    const release = this.resolved[fixture];
    if (!release) throw new Error(`conformance harness: ${fixture} was not resolved`);
    return release;
  }

  /** A fresh context: its own run id and work directory, its own teardown stack. */
  context(label: string): DriverContext {
    if (!this.root) throw new Error('conformance harness: setup() has not run');
    const runId = `${this.runPrefix}-${++this.counter}-${label}`;
    const abort = new AbortController();
    const random = new SeededRandom(this.counter);
    return {
      runId,
      workDir: join(this.root, 'work', runId),
      timeline: new Timeline(),
      teardown: new TeardownStack(),
      log: silentLogger,
      signal: abort.signal,
      random: () => random.next(),
    };
  }

  /** Starts an environment; its teardown and leftover check run after the test, whatever happens. */
  async up(spec: EnvironmentSpec, label: string): Promise<Run> {
    const ctx = this.context(label);
    this.contexts.push(ctx);
    return { env: await this.driver.up(spec, ctx), ctx };
  }

  /** Runs every run's teardown stack and fails with whatever failed or was left behind. */
  async cleanUpRuns(): Promise<void> {
    const problems: string[] = [];
    for (const ctx of this.contexts.splice(0)) {
      for (const failure of await ctx.teardown.runAll()) problems.push(`${ctx.runId}: teardown ${failure.name}: ${failure.error}`);
      for (const left of await this.options.leftovers(ctx.runId, ctx.workDir)) problems.push(`${ctx.runId}: left ${left}`);
    }
    expect(problems, 'teardown failures and leftovers after the test').toEqual([]);
  }

  async dispose(): Promise<void> {
    await this.cleanUpRuns().catch(() => undefined);
    if (this.root) await removeReadOnlyTree(this.root);
  }
}
