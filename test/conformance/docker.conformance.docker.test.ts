import Docker from 'dockerode';
import { errorMessage } from '../../harness/errors.ts';
import { getDriver } from '../../harness/drivers/registry.ts';
import { isRequired, requiredButMissing } from '../requirement.ts';
import { describeDriverConformance } from './driver-conformance.ts';

const SOCKET = '/var/run/docker.sock';

/**
 * A reason to skip: no engine answers, or the docker driver is not registered yet. With
 * DRILLBIT_REQUIRE_DOCKER=1 (CI) either one fails the suite instead of skipping it.
 */
async function dockerUnavailable(): Promise<string | undefined> {
  const reasons: string[] = [];
  try {
    await new Docker({ socketPath: SOCKET, timeout: 3000 }).ping();
  } catch (error) {
    reasons.push(`no Docker engine answers at ${SOCKET} (${errorMessage(error)}); start one with \`dockerd &\``);
  }
  try {
    getDriver('docker');
  } catch (error) {
    reasons.push(`the docker driver is not in the registry (${errorMessage(error)})`);
  }
  if (reasons.length === 0) return undefined;
  const reason = reasons.join('; ');
  if (isRequired('DOCKER')) throw new Error(requiredButMissing({ requirement: 'DOCKER', reason, hint: 'start one: dockerd &' }));
  return reason;
}

/** Containers, networks and volumes labelled with the run's id. */
async function dockerLeftovers(runId: string): Promise<string[]> {
  const docker = new Docker({ socketPath: SOCKET });
  const filters = { label: [`drillbit.run=${runId}`] };
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return [
    ...containers.map((c) => `container ${c.Names.join(',') || c.Id.slice(0, 12)} (${c.State})`),
    ...networks.map((n) => `network ${n.Name}`),
    ...(volumes.Volumes ?? []).map((v) => `volume ${v.Name}`),
  ];
}

describeDriverConformance({
  name: 'docker',
  driver: () => getDriver('docker'),
  available: dockerUnavailable,
  leftovers: (runId) => dockerLeftovers(runId),
  faultSurfaces: ['processFaults', 'links'],
  timeoutScale: 3,
});
