import type Docker from 'dockerode';
import type { ContainerHealthcheck, ContainerVolume, EnvironmentSpec } from '../driver.ts';
import { DATA_DIR, sanitize, type AttemptNames } from './docker-names.ts';

const NS_PER_MS = 1_000_000;

/** The engine's name of a compose named volume in this attempt: one per attempt, shared by every service that mounts it. */
export function sharedVolumeName(names: AttemptNames, volume: string): string {
  return `drillbit-${names.key}-vol-${sanitize(volume)}`;
}

/** The named volumes an environment's containers mount besides their `{dataDir}` (created, labelled, before any container). */
export function sharedVolumes(spec: EnvironmentSpec): string[] {
  const volumes = Object.values(spec.services).flatMap((s) => s.container?.volumes ?? []);
  return [...new Set(volumes.filter((v) => v.type === 'volume' && v.target !== DATA_DIR && v.source).map((v) => v.source!))];
}

/**
 * A compose service's volumes as mounts. The one at `/data` is the service's own
 * `{dataDir}` volume (it outlives deploys), so it is not mounted twice; other named volumes
 * are the attempt's shared volumes; host paths and tmpfs are mounted as written.
 */
export function composeMounts(volumes: readonly ContainerVolume[] | undefined, names: AttemptNames): Docker.MountSettings[] {
  return (volumes ?? []).flatMap((volume): Docker.MountSettings[] => {
    if (volume.target === DATA_DIR) return [];
    if (volume.type === 'tmpfs') return [{ Type: 'tmpfs', Source: '', Target: volume.target }];
    if (!volume.source) return [];
    const source = volume.type === 'bind' ? volume.source : sharedVolumeName(names, volume.source);
    return [{ Type: volume.type, Source: source, Target: volume.target, ReadOnly: volume.readOnly ?? false }];
  });
}

/** A compose healthcheck as the engine's HealthConfig (nanoseconds). */
export function healthConfig(healthcheck: ContainerHealthcheck): Docker.HealthConfig {
  const ns = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * NS_PER_MS));
  return { Test: healthcheck.test, Interval: ns(healthcheck.intervalMs), Timeout: ns(healthcheck.timeoutMs), Retries: healthcheck.retries, StartPeriod: ns(healthcheck.startPeriodMs) };
}
