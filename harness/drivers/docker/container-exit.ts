import { constants } from 'node:os';
import type Docker from 'dockerode';

/** How a container's run ended, as `docker inspect` tells it. */
export interface ContainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  oomKilled: boolean;
  /** `exited with code 1`, `was killed by SIGKILL`, `was killed: out of memory`. */
  description: string;
}

const SIGNALS = Object.entries(constants.signals) as [NodeJS.Signals, number][];

/** Exit code 128+n is signal n (docker-init passes its child's death on); OOM and start errors are named. */
export function describeExit(state: Docker.ContainerInspectInfo['State'] | undefined, waited: number | null): ContainerExit {
  const code = state?.ExitCode ?? waited;
  const oomKilled = state?.OOMKilled ?? false;
  if (oomKilled) return { code, signal: 'SIGKILL', oomKilled, description: 'was killed: out of memory' };
  if (state?.Error) return { code, signal: null, oomKilled, description: `could not start: ${state.Error}` };
  const signal = code !== null && code > 128 ? (SIGNALS.find(([, n]) => n === code - 128)?.[0] ?? null) : null;
  if (signal) return { code, signal, oomKilled, description: `was killed by ${signal}` };
  return { code, signal: null, oomKilled, description: code === null ? 'is gone' : `exited with code ${code}` };
}
