import { DrillbitError } from '../errors.ts';
import type { StartedEnvironment } from '../drivers/driver.ts';
import type { FaultTarget } from './fault-type.ts';
import type { PlannedTarget } from './fault-planner.ts';

/**
 * The planned selector, made concrete at the moment of injection: replica index `i` is
 * the i-th serving replica (by id) of the service right now.
 */
export function resolveTargets(planned: PlannedTarget, env: StartedEnvironment, faultName: string): FaultTarget[] {
  switch (planned.kind) {
    case 'service':
      return [{ kind: 'service', service: planned.service }];
    case 'link':
      return [{ kind: 'link', from: planned.from, to: planned.to }];
    case 'inbound': {
      const links = env.networkFaults?.inboundLinks(planned.service) ?? [];
      if (links.length === 0) throw new DrillbitError('bad-input', `fault ${faultName}: nothing reaches ${planned.service} through a fault proxy (no traffic to it and no service depends on it)`);
      return links.map((link) => ({ kind: 'link', from: link.from, to: link.to }));
    }
    case 'replica': {
      const surface = env.processFaults;
      if (!surface) throw new DrillbitError('bad-input', `fault ${faultName}: this driver cannot act on replicas`);
      const serving = surface
        .replicas(planned.service)
        .filter((r) => r.serving && r.alive)
        .sort((a, b) => a.id.localeCompare(b.id));
      if (serving.length === 0) throw new DrillbitError('internal', `fault ${faultName}: ${planned.service} has no serving replica to act on`);
      const chosen = planned.replica === 'all' ? serving : [serving[planned.replica % serving.length]!];
      return chosen.map((r) => ({ kind: 'replica', service: planned.service, replicaId: r.id, pid: r.pid, procStartTime: r.procStartTime }));
    }
  }
}

export function describeFaultTarget(target: FaultTarget): string {
  if (target.kind === 'replica') return `${target.service}/${target.replicaId} (pid ${target.pid})`;
  if (target.kind === 'link') return `${target.from}->${target.to}`;
  return target.service;
}
