import Docker from 'dockerode';
import { getDriver } from '../../harness/drivers/registry.ts';
import { swarmUnavailable } from '../../harness/drivers/swarm/describe-with-swarm.ts';
import { errorMessage } from '../../harness/errors.ts';
import { isRequired, requiredButMissing } from '../requirement.ts';
import { describeDriverConformance } from './driver-conformance.ts';

const SOCKET = '/var/run/docker.sock';

/**
 * A reason to skip: no engine, the engine is not a swarm manager, or no `swarm` driver in
 * the registry. With DRILLBIT_REQUIRE_SWARM=1 (CI) any of them fails the suite instead.
 */
async function swarmSkipReason(): Promise<string | undefined> {
  const reasons: string[] = [];
  const unavailable = await swarmUnavailable();
  if (unavailable) reasons.push(unavailable);
  try {
    getDriver('swarm');
  } catch (error) {
    reasons.push(`the swarm driver is not in the registry (${errorMessage(error)})`);
  }
  if (reasons.length === 0) return undefined;
  const reason = reasons.join('; ');
  if (isRequired('SWARM')) throw new Error(requiredButMissing({ requirement: 'SWARM', reason, hint: 'docker swarm init --advertise-addr 127.0.0.1' }));
  return reason;
}

/** Services, containers, networks and volumes labelled with the run's id. */
async function swarmLeftovers(runId: string): Promise<string[]> {
  const docker = new Docker({ socketPath: SOCKET });
  const filters = { label: [`drillbit.run=${runId}`] };
  const [services, containers, volumes] = await Promise.all([
    docker.listServices({ filters }),
    docker.listContainers({ all: true, filters }),
    docker.listVolumes({ filters }),
  ]);
  return [
    ...services.map((s) => `service ${s.Spec?.Name ?? s.ID}`),
    ...containers.map((c) => `container ${c.Names.join(',') || c.Id.slice(0, 12)} (${c.State})`),
    ...(volumes.Volumes ?? []).map((v) => `volume ${v.Name}`),
  ];
}

describeDriverConformance({
  name: 'swarm',
  driver: () => getDriver('swarm'),
  available: swarmSkipReason,
  leftovers: (runId) => swarmLeftovers(runId),
  timeoutScale: 4,
  faultSurfaces: ['processFaults', 'links'],
  knownDeviations: {
    'rollback-to-warm-is-fast': 'Swarm keeps no warm release: rollback=previous is a rolling update of every task at once (start-first), so it takes a container start and a health check, like a deploy',
  },
});
