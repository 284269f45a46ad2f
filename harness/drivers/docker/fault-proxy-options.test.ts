import { describe, expect, it } from 'vitest';
import { partitionFault } from '../../faults/types/partition.ts';
import { memoryLimitFault } from '../../faults/types/memory-limit.ts';
import { stopFault } from '../../faults/types/stop.ts';
import { DockerDriver } from './docker-driver.ts';

// No engine needed: option parsing and fault parameters.
describe('docker fault options', () => {
  it('DRILLBIT_DOCKER_FAULT_PROXY takes host or container; anything else is bad input naming it', () => {
    expect(() => DockerDriver.fromEnvironment({ DRILLBIT_DOCKER_FAULT_PROXY: 'container' })).not.toThrow();
    expect(() => DockerDriver.fromEnvironment({ DRILLBIT_DOCKER_FAULT_PROXY: 'host' })).not.toThrow();
    expect(() => DockerDriver.fromEnvironment({ DRILLBIT_DOCKER_FAULT_PROXY: 'sidecar' })).toThrow(/DRILLBIT_DOCKER_FAULT_PROXY must be "container" or "host", got "sidecar"/);
  });

  it('partition takes mode disconnect; memory-limit and stop have bounded parameters with defaults', () => {
    expect(partitionFault.params.parse({ mode: 'disconnect' })).toEqual({ mode: 'disconnect' });
    expect(partitionFault.params.safeParse({ mode: 'unplug' }).success).toBe(false);
    expect(memoryLimitFault.params.parse({})).toEqual({ mb: 128, oom: false, waitMs: 10_000 });
    expect(memoryLimitFault.params.safeParse({ mb: 5 }).success).toBe(false); // below the engine's 6 MB minimum
    expect(memoryLimitFault.params.safeParse({ mb: 64, swap: true }).success).toBe(false);
    expect(stopFault.params.parse({})).toEqual({ graceMs: 5000 });
    expect(stopFault.needsDuration && memoryLimitFault.needsDuration).toBe(true);
  });
});
