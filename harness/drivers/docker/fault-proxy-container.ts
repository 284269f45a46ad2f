import { DrillbitError, errorMessage } from '../../errors.ts';
import type { DriverContext } from '../driver.ts';
import { sleep } from '../../util/sleep.ts';
import { engineError, type DockerEngine } from './docker-engine.ts';
import { LABELS, type AttemptNames } from './docker-names.ts';
import { PROXY_ADMIN_PORT } from './fault-proxy-image.ts';
import { ToxiproxyAdmin } from './toxiproxy-admin.ts';

const READY_TIMEOUT_MS = 15_000;

/**
 * The run's fault proxy as a container on the attempt's network: `drillbit proxy` (its
 * image from fault-proxy-image.ts), its admin API published on 127.0.0.1 so the host drives
 * it like a Toxiproxy, its proxies listening on the network where the dependents reach
 * them by the container's name. Its removal is queued before it is created.
 */
export class FaultProxyContainer {
  readonly name: string;
  private adminApi: ToxiproxyAdmin | undefined;

  constructor(
    private readonly ctx: DriverContext,
    private readonly engine: DockerEngine,
    private readonly names: AttemptNames,
  ) {
    this.name = names.container('fault-proxy');
  }

  /** Creates and starts it, and resolves once its admin API answers. `seed` seeds its toxicity coins. */
  async start(image: string, seed: number): Promise<void> {
    this.ctx.teardown.defer(`docker: remove fault proxy ${this.name}`, () => this.remove());
    const port = `${PROXY_ADMIN_PORT}/tcp`;
    let id: string;
    try {
      const container = await this.engine.docker.createContainer({
        name: this.name,
        Image: image,
        Env: [`DRILLBIT_PROXY_SEED=${seed}`, `DRILLBIT_PROXY_LISTEN=0.0.0.0:${PROXY_ADMIN_PORT}`],
        Labels: this.names.labels({ [LABELS.role]: 'fault-proxy' }),
        ExposedPorts: { [port]: {} },
        StopTimeout: 1,
        HostConfig: { Init: true, NetworkMode: this.names.network, PortBindings: { [port]: [{ HostIp: '127.0.0.1', HostPort: '' }] }, RestartPolicy: { Name: 'no' } },
      });
      id = container.id;
      await container.start();
    } catch (error) {
      throw engineError(`start the fault proxy container ${this.name}`, error);
    }
    const info = await this.engine.inspectContainer(id);
    const hostPort = info?.NetworkSettings.Ports?.[port]?.[0]?.HostPort;
    if (!hostPort) throw new DrillbitError('infrastructure', `docker: the fault proxy container ${this.name} has no published admin port${await this.lastWords(id)}`);
    this.adminApi = new ToxiproxyAdmin(new URL(`http://127.0.0.1:${hostPort}`));
    await this.waitReady(id);
  }

  /** Its admin API, as the host reaches it. */
  get admin(): ToxiproxyAdmin {
    if (!this.adminApi) throw new DrillbitError('internal', `the fault proxy container ${this.name} is not started`);
    return this.adminApi;
  }

  /** Removes it (SIGKILL); gone already is fine. Idempotent. */
  remove(): Promise<void> {
    return this.engine.removeContainer(this.name);
  }

  private async waitReady(id: string): Promise<void> {
    const deadline = performance.now() + READY_TIMEOUT_MS;
    let last = 'no answer yet';
    while (performance.now() < deadline) {
      try {
        await this.admin.version(500);
        return;
      } catch (error) {
        last = errorMessage(error);
      }
      const state = (await this.engine.inspectContainer(id))?.State;
      if (!state?.Running) throw new DrillbitError('infrastructure', `docker: the fault proxy container ${this.name} exited with code ${state?.ExitCode ?? '?'} before its admin API answered${await this.lastWords(id)}`);
      await sleep(50);
    }
    throw new DrillbitError('infrastructure', `docker: the fault proxy container ${this.name}'s admin API did not answer within ${READY_TIMEOUT_MS}ms (last: ${last})${await this.lastWords(id)}`);
  }

  private async lastWords(id: string): Promise<string> {
    const lines = await this.engine.lastLogLines(id, 3);
    return lines.length ? `: ${lines.join(' | ')}` : '';
  }
}
