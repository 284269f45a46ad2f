import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DriverContext, LinkSpec, ResolvedRelease, ServiceEnvironmentSpec } from '../../drivers/driver.ts';
import type { ProcessFaultSurface } from '../../drivers/fault-surface.ts';
import { LocalDriver } from '../../drivers/local/local-driver.ts';
import { LinkProxies } from '../../drivers/local/link-proxies.ts';
import type { LocalEnvironment } from '../../drivers/local/local-environment.ts';
import { testContext, writeTestBundle, type TestBundleOptions } from '../../drivers/local/test-support.ts';
import { removeReadOnlyTree } from '../../release/release-store.ts';
import { silentLogger } from '../../runner/logger.ts';
import { SeededRandom } from '../../util/seeded-random.ts';
import type { FaultContext, FaultTarget } from '../fault-type.ts';

/** A local environment with one service (`shop`) already serving a test release, for fault tests. */
export interface FaultTestEnv {
  env: LocalEnvironment;
  surface: ProcessFaultSurface;
  driverCtx: DriverContext;
  release: ResolvedRelease;
  address: URL;
  /** A fault context for one injection (its own id, so pid files and fill files do not collide). */
  context(injectionId: string, signal?: AbortSignal): FaultContext;
  /** The i-th serving replica as a fault target, as the runner resolves it. */
  replica(index?: number): Extract<FaultTarget, { kind: 'replica' }>;
  service: FaultTarget;
  /** Where a link's fault proxy listens (`links` option), as its `from` side reaches it. */
  linkAddress(from: string, to: string): URL;
  /** Tears down the environment (every replica) and removes the directory; reports teardown failures. */
  close(): Promise<string[]>;
}

export interface FaultEnvOptions {
  replicas?: number;
  stopGraceMs?: number;
  bundle?: TestBundleOptions;
  /** Links routed through the run's fault proxies (`{ from: CLIENT, to: 'shop' }`: `address` goes through one). */
  links?: LinkSpec[];
  /** More services, started but never deployed (a dependent whose link to shop has a proxy). */
  otherServices?: Record<string, ServiceEnvironmentSpec>;
}

export async function startFaultEnv(options: FaultEnvOptions = {}): Promise<FaultTestEnv> {
  const root = await mkdtemp(join(tmpdir(), 'drillbit-faults-'));
  const driver = new LocalDriver({ stopGraceMs: options.stopGraceMs ?? 1000 });
  const dir = await writeTestBundle(join(root, 'bundles'), 'v1', options.bundle);
  const release = await driver.resolveRelease('shop', 'v1', dir, root, { storeDir: join(root, 'store') });
  const driverCtx = testContext(join(root, 'work'));
  const close = async () => {
    const failures = await driverCtx.teardown.runAll();
    await removeReadOnlyTree(root);
    return failures.map((f) => `${f.name}: ${f.error}`);
  };
  try {
    const services = { shop: { replicas: options.replicas ?? 1, strategy: 'blue-green' as const }, ...options.otherServices };
    const env = await driver.up({ services, links: options.links }, driverCtx);
    await env.deploy('shop', release);
    const surface = env.processFaults;
    return {
      env, surface, driverCtx, release, address: env.address('shop'), close,
      service: { kind: 'service', service: 'shop' },
      linkAddress: (from, to) => {
        const address = env.networkFaults instanceof LinkProxies ? env.networkFaults.address(from, to) : undefined;
        if (!address) throw new Error(`no fault proxy on ${from}->${to}`);
        return new URL(`http://${address}`);
      },
      context: (injectionId, signal = driverCtx.signal) => ({
        env, timeline: driverCtx.timeline, log: silentLogger, signal, random: new SeededRandom(42).derive(injectionId), workDir: driverCtx.workDir, injectionId,
      }),
      replica: (index = 0) => {
        const serving = surface.replicas('shop').filter((r) => r.serving && r.alive).sort((a, b) => a.id.localeCompare(b.id));
        const r = serving[index];
        if (!r) throw new Error(`no serving replica ${index}`);
        return { kind: 'replica', service: 'shop', replicaId: r.id, pid: r.pid, procStartTime: r.procStartTime };
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
  ms: number;
}

/** One GET on a fresh connection; rejects on a network error or after `timeoutMs`. */
export async function get(url: URL, timeoutMs = 2000): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { connection: 'close' } });
  const body = await res.text();
  return { status: res.status, headers: res.headers, body, ms: performance.now() - started };
}

/** Fields of /proc/<pid>/stat after the command name ([0] state, [11] utime, [12] stime), or undefined when gone. */
async function statFields(pid: number): Promise<string[] | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** `R`, `S`, `T` (stopped), `Z`…, or undefined once the process is gone. */
export async function processState(pid: number): Promise<string | undefined> {
  return (await statFields(pid))?.[0];
}

/** CPU time used so far (user + system), in clock ticks. */
export async function cpuTicks(pid: number): Promise<number> {
  const fields = await statFields(pid);
  return fields ? Number(fields[11]) + Number(fields[12]) : 0;
}

/** Resident memory in MiB, from /proc/<pid>/status. */
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : 0;
}
