import type { Duration } from '../util/duration.ts';
import type { FaultTargetInput, StepInput } from '../scenario/schema.ts';
import type { z } from 'zod';
import { killFault } from './types/kill.ts';
import { pauseFault } from './types/pause.ts';
import { restartFault } from './types/restart.ts';
import { stopFault } from './types/stop.ts';
import { memoryLimitFault } from './types/memory-limit.ts';
import { crashLoopFault } from './types/crash-loop.ts';
import { cpuHogFault } from './types/cpu-hog.ts';
import { memoryPressureFault } from './types/memory-pressure.ts';
import { diskFillFault } from './types/disk-fill.ts';
import { dependencyOutageFault } from './types/dependency-outage.ts';
import { httpAbortFault } from './types/http-abort.ts';
import { httpDelayFault } from './types/http-delay.ts';
import { latencyFault } from './types/latency.ts';
import { bandwidthFault } from './types/bandwidth.ts';
import { slowCloseFault } from './types/slow-close.ts';
import { timeoutFault } from './types/timeout.ts';
import { resetPeerFault } from './types/reset-peer.ts';
import { slicerFault } from './types/slicer.ts';
import { limitDataFault } from './types/limit-data.ts';
import { partitionFault } from './types/partition.ts';

export interface FaultOptions {
  /** Revert after this long; without it, the fault lasts until the drill ends. */
  for?: Duration;
  /** Chance the fault is injected at all (seeded). Default 1. */
  probability?: number;
  /** Block the step until the fault is reverted. */
  wait?: boolean;
}

type FaultStepInput = Extract<StepInput, { kind: 'fault' }>;

/** A fault step of any registered type: `injectFault('pause', 'shop', {}, { for: '2s' })`. */
export function injectFault(fault: string, target: FaultTargetInput, params: Record<string, unknown> = {}, options: FaultOptions = {}): FaultStepInput {
  return { kind: 'fault', fault, target, params, ...options };
}

/** The same fault on the drill's schedule: at an offset from its start, or at a seeded random offset in a range. */
export function at(offset: Duration | { between: [Duration, Duration] }, step: FaultStepInput) {
  const { kind: _kind, wait: _wait, ...fault } = step;
  return { at: offset, ...fault };
}

/** A typed shortcut for one fault type: `fault.pause('shop', {}, { for: '2s' })`. */
export function faultHelper<S extends z.ZodType>(name: string, _params: S) {
  return (target: FaultTargetInput, params: z.input<S> = {} as z.input<S>, options: FaultOptions = {}): FaultStepInput =>
    injectFault(name, target, params as Record<string, unknown>, options);
}

/** Typed helpers per fault type, for TypeScript scenarios: `fault.kill('shop')`, `fault.cpuHog('shop', { workers: 2 }, { for: '5s' })`. */
export const fault = {
  kill: faultHelper('kill', killFault.params),
  pause: faultHelper('pause', pauseFault.params),
  restart: faultHelper('restart', restartFault.params),
  stop: faultHelper('stop', stopFault.params),
  crashLoop: faultHelper('crash-loop', crashLoopFault.params),
  cpuHog: faultHelper('cpu-hog', cpuHogFault.params),
  memoryPressure: faultHelper('memory-pressure', memoryPressureFault.params),
  memoryLimit: faultHelper('memory-limit', memoryLimitFault.params),
  diskFill: faultHelper('disk-fill', diskFillFault.params),
  dependencyOutage: faultHelper('dependency-outage', dependencyOutageFault.params),
  httpAbort: faultHelper('http-abort', httpAbortFault.params),
  httpDelay: faultHelper('http-delay', httpDelayFault.params),
  latency: faultHelper('latency', latencyFault.params),
  bandwidth: faultHelper('bandwidth', bandwidthFault.params),
  slowClose: faultHelper('slow-close', slowCloseFault.params),
  timeout: faultHelper('timeout', timeoutFault.params),
  resetPeer: faultHelper('reset-peer', resetPeerFault.params),
  slicer: faultHelper('slicer', slicerFault.params),
  limitData: faultHelper('limit-data', limitDataFault.params),
  partition: faultHelper('partition', partitionFault.params),
};
