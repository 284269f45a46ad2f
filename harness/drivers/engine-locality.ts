import { DrillbitError } from '../errors.ts';
import { isLoopbackHost } from '../proxy/host-port.ts';

/**
 * Whether an engine address (`DOCKER_HOST`) is this machine: a unix socket, or TCP to a
 * loopback address or `localhost`. Anything else is another machine, which a drill may only
 * touch when the user says so (`--allow-remote-engine`): a drill stops, pauses and kills what
 * it deploys there.
 */
export function isLocalEngine(url: string): boolean {
  if (url.startsWith('unix://') || url.startsWith('npipe://')) return true;
  try {
    return isLoopbackHost(new URL(url.replace(/^tcp:/, 'http:')).hostname);
  } catch {
    return false;
  }
}

/** Refuses an engine on another machine unless the user allowed it. */
export function assertEngineAllowed(driver: { name: string; engine?: { endpoint?: { url?: string } } }, allowRemote: boolean | undefined): void {
  const url = driver.engine?.endpoint?.url;
  if (!url || allowRemote || isLocalEngine(url)) return;
  throw new DrillbitError('bad-input', `--driver ${driver.name}: DOCKER_HOST ${url} is another machine; a drill stops, pauses and kills what it deploys there`, {
    hint: 'pass --allow-remote-engine to run drills on that engine, or unset DOCKER_HOST for the local one',
  });
}
