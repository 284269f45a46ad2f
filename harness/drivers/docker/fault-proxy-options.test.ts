import { describe, expect, it } from 'vitest';
import { partitionFault } from '../../faults/types/partition.ts';
import { memoryLimitFault } from '../../faults/types/memory-limit.ts';
import { stopFault } from '../../faults/types/stop.ts';
import { DockerDriver, type DockerDriverOptions } from './docker-driver.ts';
import { DrillbitError } from '../../errors.ts';

// No engine needed: option parsing and fault parameters.
describe('docker fault options', () => {
  it('DRILLBIT_DOCKER_FAULT_PROXY takes host or container; anything else is bad input naming it', () => {
    // The parsed option is the driver's private state: read it through a cast, as the driver's own faultProxyImage() does.
    const faultProxyOf = (env: Record<string, string>) => (DockerDriver.fromEnvironment(env) as unknown as { options: DockerDriverOptions }).options.faultProxy;
    expect(faultProxyOf({ DRILLBIT_DOCKER_FAULT_PROXY: 'container' })).toBe('container');
    expect(faultProxyOf({ DRILLBIT_DOCKER_FAULT_PROXY: 'host' })).toBe('host');
    expect(faultProxyOf({ DRILLBIT_DOCKER_FAULT_PROXY: ' container ' })).toBe('container');
    expect(faultProxyOf({})).toBeUndefined(); // unset: the scenario decides, else host
    expect(faultProxyOf({ DRILLBIT_DOCKER_FAULT_PROXY: '' })).toBeUndefined();
    const bad = (() => {
      try {
        DockerDriver.fromEnvironment({ DRILLBIT_DOCKER_FAULT_PROXY: 'sidecar' });
      } catch (error) {
        return error;
      }
    })();
    expect(bad).toBeInstanceOf(DrillbitError);
    expect(bad).toMatchObject({ code: 'bad-input', exitCode: 2, message: 'DRILLBIT_DOCKER_FAULT_PROXY must be "container" or "host", got "sidecar"' });
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
