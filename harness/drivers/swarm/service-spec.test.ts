import { describe, expect, it } from 'vitest';
import type { ResolvedRelease } from '../driver.ts';
import { validateScenario } from '../../scenario/scenario-validator.ts';
import { formatProblem } from '../../scenario/problem.ts';
import { environmentSpec } from '../../runner/environment-spec.ts';
import { probeCommand, serviceSpec } from './service-spec.ts';
import { SwarmNames, isValidServiceName, serviceNameClashes } from './swarm-names.ts';
import { createHash } from 'node:crypto';

const release = {
  service: 'shop', name: 'v1', version: '1.0.0', digest: `sha256:${'a'.repeat(64)}`, configDigest: `sha256:${'b'.repeat(64)}`, source: 'fixtures/shop/v1',
  manifest: { service: 'shop', version: '1.0.0', command: ['node', 'server.mjs'], env: { PORT: '{port}', DATA_DIR: '{dataDir}', STOCK_URL: '{url:stock}' }, health: { path: '/healthz', timeoutMs: 5000 } },
  image: { id: `sha256:${'c'.repeat(64)}` },
} as unknown as ResolvedRelease;

const names = new SwarmNames('run-1', '/tmp/work/a');
const spec = (overrides: Partial<Parameters<typeof serviceSpec>[0]> = {}) =>
  serviceSpec({ service: 'shop', release, names, replicas: 2, strategy: 'blue-green', volume: 'vol', dependencies: { stock: '172.17.0.1:4000' }, probe: 'wget', stopGraceMs: 2000, ...overrides }) as Record<string, any>;

describe('swarm service spec (no engine)', () => {
  it('runs the image by ID with the manifest filled in, publishes in host mode, labels everything, health-checks in the spec', () => {
    const s = spec();
    expect(s.Name).toBe(names.service('shop'));
    expect(s.TaskTemplate.ContainerSpec.Image).toBe(release.image!.id);
    expect(s.TaskTemplate.ContainerSpec.Args).toEqual(['node', 'server.mjs']);
    expect(s.TaskTemplate.ContainerSpec.Env).toEqual(expect.arrayContaining(['PORT=8080', 'DATA_DIR=/data', 'STOCK_URL=http://172.17.0.1:4000', `DRILLBIT_RELEASE=${release.digest}`, 'DRILLBIT_REPLICA=shop.{{.Task.Slot}}']));
    expect(s.EndpointSpec.Ports).toEqual([{ Protocol: 'tcp', TargetPort: 8080, PublishMode: 'host' }]);
    expect(s.Labels).toMatchObject({ 'drillbit.run': 'run-1', 'drillbit.attempt': names.key, 'drillbit.service': 'shop', 'com.docker.stack.namespace': `drillbit-${names.key}` });
    expect(s.TaskTemplate.ContainerSpec.Labels).toMatchObject({ 'drillbit.run': 'run-1' });
    expect(s.TaskTemplate.ContainerSpec.Healthcheck.Test).toEqual(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/healthz']);
    expect(s.Mode).toEqual({ Replicated: { Replicas: 2 } });
  });

  it("drill defaults: every task at once, start-first for blue-green (stop-first for recreate), 250 ms monitor, Swarm's rollback on failure", () => {
    expect(spec().UpdateConfig).toEqual({ Parallelism: 0, Delay: 0, FailureAction: 'rollback', Monitor: 250_000_000, MaxFailureRatio: 0, Order: 'start-first' });
    expect(spec({ strategy: 'recreate' }).UpdateConfig.Order).toBe('stop-first');
    expect(spec().RollbackConfig).toMatchObject({ Parallelism: 0, Order: 'start-first', FailureAction: 'pause' });
  });

  it("a scenario's update wins; a monitor of 0 stays 1 ms (0 would mean Swarm's 5 s); Swarm's own defaults for the bench", () => {
    const s = spec({ update: { parallelism: 2, delayMs: 250, order: 'stop-first', monitorMs: 0, failureAction: 'pause', maxFailureRatio: 0.5 } });
    expect(s.UpdateConfig).toEqual({ Parallelism: 2, Delay: 250_000_000, FailureAction: 'pause', Monitor: 1_000_000, MaxFailureRatio: 0.5, Order: 'stop-first' });
    const swarm = spec({ swarmDefaults: true });
    expect(swarm.UpdateConfig).toMatchObject({ Parallelism: 1, Monitor: 5_000_000_000, Order: 'stop-first', FailureAction: 'rollback' });
    expect(swarm.TaskTemplate.RestartPolicy.Delay).toBe(5_000_000_000);
  });

  it('the node probe for images without busybox', () => {
    expect(probeCommand('node', 8080, '/healthz')).toEqual(['CMD', 'node', '-e', 'fetch("http://127.0.0.1:8080/healthz").then(r=>process.exit(r.ok?0:1),()=>process.exit(1))']);
  });

  it('service names: valid as they are, or rewritten with a hash of the original so two names never meet', () => {
    expect(isValidServiceName(names.service('shop'))).toBe(true);
    expect(names.service('a.b')).not.toBe(names.service('a-b'));
    expect(names.service('a.b')).not.toBe(names.service('a_b'));
    expect(isValidServiceName(names.service('hostile.name_with.dots'))).toBe(true);
  });

  it('scenario services that would still share a swarm service name are found before anything starts', () => {
    const lookalike = `a-b-${createHash('sha256').update('a.b').digest('hex').slice(0, 6)}`;
    expect(serviceNameClashes(['a.b', 'a-b', 'a_b', 'shop'])).toEqual([]);
    expect(serviceNameClashes(['a.b', lookalike])).toEqual([`services "a.b" and "${lookalike}" map to one swarm service name (drillbit-<attempt>-${lookalike}); rename one of them: swarm service names use letters, digits and "-"`]);
  });
});

describe('scenario services.<svc>.update', () => {
  const base = {
    name: 'u', services: { shop: { releases: { good: 'fixtures/shop/v1' }, update: { parallelism: 1, monitor: '1s', failureAction: 'rollback' } } },
    slo: { recoveryTime: '5s' }, steps: [{ kind: 'deploy', service: 'shop', release: 'good' }],
  };

  it('is validated with every problem and its path', () => {
    const bad = { ...base, services: { shop: { ...base.services.shop, update: { failureAction: 'undo', monitor: 'soon', parallelism: -1 } } } };
    const problems = validateScenario(bad, 'x.drill.yaml').problems.map(formatProblem).join('\n');
    expect(problems).toMatch(/services\.shop\.update\.failureAction/);
    expect(problems).toMatch(/services\.shop\.update\.monitor: expected a duration/);
    expect(problems).toMatch(/services\.shop\.update\.parallelism/);
  });

  it('reaches the driver in milliseconds', () => {
    const { scenario } = validateScenario(base, 'x.drill.yaml');
    expect(environmentSpec(scenario!).services.shop?.update).toEqual({ parallelism: 1, delayMs: undefined, order: undefined, monitorMs: 1000, failureAction: 'rollback', maxFailureRatio: undefined });
  });
});
