import type { Driver, DriverContext, EnvironmentSpec, ResolvedRelease } from '../driver.ts';
import { resolveLocalRelease } from '../../release/local-release-resolver.ts';
import { LocalEnvironment } from './local-environment.ts';
import { PortAllocator } from './port-allocator.ts';

// NODE_OPTIONS, NODE_PATH and NODE_ENV are left out on purpose: the harness's own (tsx
// loaders, test mode) must not leak into the system under test; a manifest sets its own.
const INHERITED_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'PYENV_ROOT', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];

export interface LocalDriverOptions {
  /** Variables every replica inherits. Default: PATH, HOME, LANG, locale, TZ, TMPDIR and CA settings of this process. */
  baseEnv?: Readonly<Record<string, string>>;
  /** SIGTERM → SIGKILL grace when stopping a replica. Default 2000 ms. */
  stopGraceMs?: number;
  /** Log size limit per replica. Default 10 MiB. */
  logLimitBytes?: number;
}

/** The embedded default driver: releases run as OS processes on loopback, no Docker. */
export class LocalDriver implements Driver {
  readonly name = 'local';
  private readonly ports = new PortAllocator();
  private readonly baseEnv: Readonly<Record<string, string>>;

  constructor(private readonly options: LocalDriverOptions = {}) {
    this.baseEnv = options.baseEnv ?? pickEnv(process.env, INHERITED_ENV);
  }

  resolveRelease(service: string, name: string, ref: string, baseDir: string, ctx: { storeDir: string }): Promise<ResolvedRelease> {
    return resolveLocalRelease(service, name, ref, baseDir, ctx);
  }

  up(env: EnvironmentSpec, ctx: DriverContext): Promise<LocalEnvironment> {
    return LocalEnvironment.start(env, ctx, {
      ports: this.ports,
      baseEnv: this.baseEnv,
      stopGraceMs: this.options.stopGraceMs,
      logLimitBytes: this.options.logLimitBytes,
    });
  }
}

function pickEnv(source: NodeJS.ProcessEnv, keys: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const key of keys) {
    const value = source[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}
