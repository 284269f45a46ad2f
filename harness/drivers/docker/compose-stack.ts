import { DrillbitError } from '../../errors.ts';
import type { ContainerHealthcheck, ContainerVolume } from '../driver.ts';
import { parseComposeDuration, splitCommand } from './compose-values.ts';

/** One service of a compose file, as `docker-compose config` normalized it and Drillbit reads it. */
export interface ComposeService {
  name: string;
  /** Absent when the service only has `build:`. */
  image?: string;
  environment: Record<string, string>;
  /** Variables compose would take from the shell (`- NAME` without a value): Drillbit passes none of its own environment. */
  unsetEnvironment: string[];
  command?: string[];
  entrypoint?: string[];
  /** `depends_on`, whatever its `condition`: Drillbit starts a dependency ready before what needs it. */
  dependsOn: string[];
  /** Undefined when the file has none; `test: ["NONE"]` when disabled. */
  healthcheck?: ContainerHealthcheck;
  volumes: ContainerVolume[];
  /** The container port of the first `ports` entry, else of `expose`. */
  port?: number;
}

export interface ComposeStack {
  /** The compose file, absolute. */
  file: string;
  services: Record<string, ComposeService>;
  /** What the compose tool warned about (unset variables…), one line each. */
  warnings: string[];
}

/** The output of `docker-compose config` (YAML, already validated by the tool) → the services Drillbit needs. */
export function normalizeComposeConfig(config: unknown, file: string, warnings: string[] = []): ComposeStack {
  if (!isRecord(config) || !isRecord(config.services)) throw new DrillbitError('bad-input', `${file}: the compose file has no services`);
  const services: Record<string, ComposeService> = {};
  for (const [name, raw] of Object.entries(config.services)) {
    if (!isRecord(raw)) continue;
    services[name] = normalizeService(name, raw, warnings);
  }
  return { file, services, warnings };
}

function normalizeService(name: string, raw: Record<string, unknown>, warnings: string[]): ComposeService {
  const { environment, unset } = environmentOf(raw.environment);
  if (unset.length) warnings.push(`service ${name}: ${unset.join(', ')} ${unset.length === 1 ? 'has' : 'have'} no value in the file; Drillbit passes none from its own environment`);
  return {
    name,
    image: typeof raw.image === 'string' ? raw.image : undefined,
    environment,
    unsetEnvironment: unset,
    command: argvOf(raw.command),
    entrypoint: argvOf(raw.entrypoint),
    dependsOn: Array.isArray(raw.depends_on) ? raw.depends_on.map(String) : isRecord(raw.depends_on) ? Object.keys(raw.depends_on) : [],
    healthcheck: healthcheckOf(raw.healthcheck),
    volumes: (Array.isArray(raw.volumes) ? raw.volumes : []).flatMap((v) => volumeOf(v)),
    port: portOf(raw.ports) ?? portOf(raw.expose),
  };
}

function environmentOf(value: unknown): { environment: Record<string, string>; unset: string[] } {
  const environment: Record<string, string> = {};
  const unset: string[] = [];
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item) => {
        const text = String(item);
        const eq = text.indexOf('=');
        return eq === -1 ? [text, null] : [text.slice(0, eq), text.slice(eq + 1)];
      })
    : isRecord(value) ? Object.entries(value) : [];
  for (const [key, v] of entries) {
    if (v === null || v === undefined) unset.push(key);
    else environment[key] = String(v);
  }
  return { environment, unset };
}

function argvOf(value: unknown): string[] | undefined {
  if (typeof value === 'string') return splitCommand(value);
  if (Array.isArray(value)) return value.map(String);
  return undefined;
}

function healthcheckOf(value: unknown): ContainerHealthcheck | undefined {
  if (!isRecord(value)) return undefined;
  if (value.disable === true) return { test: ['NONE'] };
  const test = typeof value.test === 'string' ? ['CMD-SHELL', value.test] : Array.isArray(value.test) ? value.test.map(String) : undefined;
  if (!test || test.length === 0) return undefined;
  const ms = (v: unknown) => (v === undefined || v === null ? undefined : parseComposeDuration(v));
  return { test, intervalMs: ms(value.interval), timeoutMs: ms(value.timeout), retries: typeof value.retries === 'number' ? value.retries : undefined, startPeriodMs: ms(value.start_period) };
}

/** `src:target[:mode]`, `target` (anonymous: skipped) or the long form `{type, source, target, read_only}`. */
function volumeOf(value: unknown): ContainerVolume[] {
  if (isRecord(value)) {
    const type = value.type === 'bind' || value.type === 'tmpfs' ? value.type : 'volume';
    if (typeof value.target !== 'string' || (type !== 'tmpfs' && typeof value.source !== 'string')) return [];
    return [{ type, source: typeof value.source === 'string' ? value.source : undefined, target: value.target, readOnly: value.read_only === true }];
  }
  const parts = String(value).split(':');
  if (parts.length < 2) return [];
  const [source, target, mode = 'rw'] = parts as [string, string, string?];
  const bind = source.startsWith('/') || source.startsWith('.') || source.startsWith('~');
  return [{ type: bind ? 'bind' : 'volume', source, target, readOnly: mode.split(',').includes('ro') }];
}

/** The container side of `ports` (`"127.0.0.1::8080/tcp"`, `"8080"`, `{target: 8080}`) or `expose` (`"8080"`). */
function portOf(value: unknown): number | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const first: unknown = value[0];
  const text = isRecord(first) ? String(first.target ?? '') : String(first);
  const container = text.split(':').at(-1)!.split('/')[0]!.split('-')[0]!;
  const port = Number(container);
  return Number.isInteger(port) && port > 0 && port < 65_536 ? port : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
