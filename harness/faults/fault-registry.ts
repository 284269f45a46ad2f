import type { FaultType } from './fault-type.ts';
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
import { drainNodeFault } from './types/drain-node.ts';
import { scaleDownFault } from './types/scale-down.ts';
import { driftFault } from './types/drift.ts';

/**
 * Every fault type a scenario can name, in one explicit map (importing a fault file has
 * no side effect). The key is the name scenarios use.
 */
export const faultTypes = {
  kill: killFault,
  pause: pauseFault,
  restart: restartFault,
  stop: stopFault,
  'crash-loop': crashLoopFault,
  'cpu-hog': cpuHogFault,
  'memory-pressure': memoryPressureFault,
  'memory-limit': memoryLimitFault,
  'disk-fill': diskFillFault,
  'dependency-outage': dependencyOutageFault,
  'http-abort': httpAbortFault,
  'http-delay': httpDelayFault,
  latency: latencyFault,
  bandwidth: bandwidthFault,
  'slow-close': slowCloseFault,
  timeout: timeoutFault,
  'reset-peer': resetPeerFault,
  slicer: slicerFault,
  'limit-data': limitDataFault,
  partition: partitionFault,
  'drain-node': drainNodeFault,
  'scale-down': scaleDownFault,
  drift: driftFault,
} as const satisfies Record<string, FaultType<any>>;

export type FaultName = keyof typeof faultTypes;

export const faultTypeNames = (): string[] => Object.keys(faultTypes);

export function findFaultType(name: string): FaultType<unknown> | undefined {
  return Object.hasOwn(faultTypes, name) ? (faultTypes[name as FaultName] as FaultType<unknown>) : undefined;
}
