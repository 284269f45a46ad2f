import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DriverContext, EnvironmentSpec, ResolvedRelease } from '../driver.ts';
import { silentLogger } from '../../runner/logger.ts';
import { TeardownStack } from '../../runner/teardown-stack.ts';
import { Timeline } from '../../runner/timeline.ts';
import { removeReadOnlyTree } from '../../release/release-store.ts';
import { DockerDriver } from './docker-driver.ts';
import type { DockerEnvironment } from './docker-environment.ts';
import { DockerEngine } from './docker-engine.ts';
import { LABELS } from './docker-names.ts';
import { listLabelled } from './labelled-resources.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The fixture bundles the docker tests deploy (fixtures/README.md). */
export const FIXTURES = {
  shopV1: ['shop', 'v1', 'fixtures/shop/v1'],
  shopV2: ['shop', 'v2', 'fixtures/shop/v2'],
  shopV2Crash: ['shop', 'v2-crash', 'fixtures/shop/v2-crash'],
  shopV1WithStock: ['shop', 'v1-with-stock', 'fixtures/shop/v1-with-stock'],
  stockV1: ['stock', 'v1', 'fixtures/stock/v1'],
} as const;

export type Fixture = keyof typeof FIXTURES;

/**
 * One driver and store for a test file: fixture releases resolved once (images built
 * once), and environments whose teardown runs after each test, with what the run label
 * still names afterwards.
 */
export class DockerTestBed {
  readonly engine = DockerEngine.at();
  readonly driver = new DockerDriver({ stopTimeoutSeconds: 1 });
  root = '';
  private readonly releases = new Map<Fixture, ResolvedRelease>();
  private readonly contexts: DriverContext[] = [];
  private counter = 0;

  async setup(fixtures: Fixture[]): Promise<void> {
    this.root = await mkdtemp(join(tmpdir(), 'drillbit-docker-'));
    for (const fixture of fixtures) {
      const [service, name, path] = FIXTURES[fixture];
      this.releases.set(fixture, await this.driver.resolveRelease(service, name, resolve(PROJECT_ROOT, path), PROJECT_ROOT, { storeDir: this.storeDir }));
    }
  }

  get storeDir(): string {
    return join(this.root, 'store');
  }

  release(fixture: Fixture): ResolvedRelease {
    const release = this.releases.get(fixture);
    if (!release) throw new Error(`fixture ${fixture} was not resolved`);
    return release;
  }

  context(label: string): DriverContext & { abort: AbortController } {
    const abort = new AbortController();
    const runId = `test-docker-${process.pid}-${Date.now().toString(36)}-${++this.counter}-${label}`;
    const ctx = { runId, workDir: join(this.root, 'work', runId), timeline: new Timeline(), teardown: new TeardownStack(), log: silentLogger, signal: abort.signal, abort };
    this.contexts.push(ctx);
    return ctx;
  }

  async up(spec: EnvironmentSpec, label: string): Promise<{ env: DockerEnvironment; ctx: DriverContext }> {
    const ctx = this.context(label);
    return { env: await this.driver.up(spec, ctx), ctx };
  }

  /** Tears every environment down; returns teardown failures and anything still labelled with their runs. */
  async teardown(): Promise<string[]> {
    const problems: string[] = [];
    for (const ctx of this.contexts.splice(0)) {
      for (const failure of await ctx.teardown.runAll()) problems.push(`${failure.name}: ${failure.error}`);
      problems.push(...(await listLabelled(this.engine, LABELS.run, ctx.runId)));
    }
    return problems;
  }

  async close(): Promise<void> {
    await this.teardown();
    if (this.root) {
      await removeReadOnlyTree(join(this.root, 'store'));
      await rm(this.root, { recursive: true, force: true });
    }
  }
}

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

export async function request(url: URL, init: RequestInit = {}, timeoutMs = 3000): Promise<Answer> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), headers: { connection: 'close', ...(init.headers as Record<string, string> | undefined) } });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** Container IDs of the replicas the address serves from. */
export function servingContainers(env: DockerEnvironment, service: string): string[] {
  return env.processFaults.replicas(service).filter((r) => r.serving).map((r) => r.containerId!).sort();
}
