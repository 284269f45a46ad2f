import type { Driver, DriverContext, EnvironmentSpec, ResolvedRelease } from '../driver.ts';
import { resolveLocalRelease } from '../../release/local-release-resolver.ts';
import { prepareStoreSurroundings } from '../../release/store-surroundings.ts';
import { LocalEnvironment } from './local-environment.ts';
import { PortAllocator } from './port-allocator.ts';
import { replicaBaseEnv } from './replica-base-env.ts';
import { DrillbitError } from '../../errors.ts';
import { probeContainment, type Containment } from '../../process/containment.ts';


export interface LocalDriverOptions {
  /** Variables every replica inherits. Default: `replicaBaseEnv(process.env)` (replica-base-env.ts: PATH without npm's additions, HOME, user, locale, TZ, TMPDIR, CA settings). */
  baseEnv?: Readonly<Record<string, string>>;
  /** SIGTERM → SIGKILL grace when stopping a replica. Default 2000 ms. */
  stopGraceMs?: number;
  /** Log size limit per replica. Default 10 MiB. */
  logLimitBytes?: number;
  /** `auto` (default): a PID namespace per replica where this machine allows one (containment.ts); `process-group`: never. */
  containment?: 'auto' | 'process-group';
  /** Observe replicas through /proc. Default: where this OS has it; `false` behaves as an OS without it (what runs is unobservable). */
  readProc?: boolean;
}

/** The embedded default driver: releases run as OS processes on loopback, no Docker. */
export class LocalDriver implements Driver {
  readonly name = 'local';
  private readonly ports = new PortAllocator();
  private readonly baseEnv: Readonly<Record<string, string>>;
  private containment: Promise<Containment> | undefined;
  private warnedUncontained = false;

  constructor(private readonly options: LocalDriverOptions = {}) {
    this.baseEnv = options.baseEnv ?? replicaBaseEnv(process.env);
  }

  /**
   * The driver as the CLI makes it: replicas' base environment from `env`, and
   * `DRILLBIT_LOCAL_CONTAINMENT` (`auto`, the default, or `process-group`: no PID namespace,
   * for a machine where one breaks something) — anything else is bad input (exit 2).
   */
  static fromEnvironment(env: Readonly<Record<string, string | undefined>>): LocalDriver {
    const containment = env.DRILLBIT_LOCAL_CONTAINMENT || 'auto';
    if (containment !== 'auto' && containment !== 'process-group') {
      throw new DrillbitError('bad-input', `DRILLBIT_LOCAL_CONTAINMENT: expected auto or process-group, got ${JSON.stringify(containment)}`, { hint: 'unset it (auto: a PID namespace per replica where the machine allows one), or set it to process-group' });
    }
    return new LocalDriver({ baseEnv: replicaBaseEnv(env), containment });
  }

  /** Folders above the store say nothing to a release (store-surroundings.ts). */
  async prepareStore(storeDir: string): Promise<string[]> {
    return (await prepareStoreSurroundings(storeDir)).warnings;
  }

  resolveRelease(service: string, name: string, ref: string, baseDir: string, ctx: { storeDir: string }): Promise<ResolvedRelease> {
    return resolveLocalRelease(service, name, ref, baseDir, ctx);
  }

  async up(env: EnvironmentSpec, ctx: DriverContext): Promise<LocalEnvironment> {
    const containment = await this.containmentHere();
    if (containment.kind === 'process-group' && !this.warnedUncontained) {
      this.warnedUncontained = true;
      ctx.log.warn(`local: replicas run in their process group only, not in a PID namespace (${containment.reason}): a release that daemonizes escapes its replica and is not stopped with it`);
    }
    return LocalEnvironment.start(env, ctx, {
      ports: this.ports,
      baseEnv: this.baseEnv,
      containment,
      readProc: this.options.readProc,
      stopGraceMs: this.options.stopGraceMs,
      logLimitBytes: this.options.logLimitBytes,
    });
  }

  /** Probed once per driver: a PID namespace per replica, or why not. */
  private containmentHere(): Promise<Containment> {
    if (this.options.containment === 'process-group') return Promise.resolve({ kind: 'process-group', reason: 'asked for: DRILLBIT_LOCAL_CONTAINMENT=process-group' });
    this.containment ??= probeContainment();
    return this.containment;
  }
}
