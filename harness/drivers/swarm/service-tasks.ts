import type { DockerEngine } from '../docker/docker-engine.ts';
import { LABELS } from '../docker/docker-names.ts';
import type { Timeline } from '../../runner/timeline.ts';
import { errorMessage } from '../../errors.ts';
import { sleep } from '../../util/sleep.ts';

/** One task of a service as the orchestrator reports it, with what its container on this node says. */
export interface TaskView {
  id: string;
  slot: number;
  /** When the manager created it (ISO): the newest task of a slot is the one that fills it. */
  createdAt: string;
  /** `new` … `starting`, `running`, `complete`, `failed`, `shutdown`, `rejected`, … */
  state: string;
  desired: string;
  /** The image the task's spec names (an ID: the driver never gives a tag). */
  image: string;
  containerId?: string;
  /** The node it is assigned to. */
  node?: string;
  /** Its published host port (host mode), once it runs. */
  hostPort?: number;
  error?: string;
  message?: string;
  /** The release digest of the image the container really runs (`drillbit.release.digest`, else the image ID). */
  digest?: string;
  pid?: number;
  /** The pid it last had (a dead container has none). */
  lastPid?: number;
  health?: string;
  env?: string[];
  args?: string[];
  paused?: boolean;
}

interface RawTask {
  ID: string;
  CreatedAt?: string;
  Slot?: number;
  DesiredState?: string;
  NodeID?: string;
  Spec?: { ContainerSpec?: { Image?: string } };
  Status?: { State?: string; Err?: string; Message?: string; ContainerStatus?: { ContainerID?: string }; PortStatus?: { Ports?: { TargetPort?: number; PublishedPort?: number }[] } };
}

const LIVE_STATES = new Set(['new', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting', 'running']);

/**
 * The tasks of one service, polled from the manager: which run (and on which host port),
 * which are starting, which failed. Each task's container is inspected on this engine for
 * the image it really runs, its pid and health (a task on another node has none of those).
 * Task failures go on the timeline once each (`task-failed`), so detection is measured.
 */
export class ServiceTasks {
  private tasks: TaskView[] = [];
  private readonly containers = new Map<string, { image: string; digest?: string; lastPid?: number; env: string[]; args: string[] }>();
  private readonly imageDigests = new Map<string, Promise<string>>();
  private readonly reported = new Set<string>();
  /** Containers of tasks that have ended, inspected once after the end: nothing about them changes again. */
  private readonly settled = new Set<string>();
  private loading: Promise<TaskView[]> | undefined;
  private queued: Promise<TaskView[]> | undefined;

  constructor(
    private readonly engine: DockerEngine,
    readonly service: string,
    readonly swarmName: string,
    private readonly timeline: Timeline,
    private readonly digestOfImage: (imageId: string) => string | undefined,
  ) {}

  /**
   * Asks the manager again; resolves with every task it knows of the service, as read after
   * the call. Callers that arrive while a read is in flight share the next one (the poller,
   * a deploy waiting for its tasks and observe() would otherwise each ask every 100 ms).
   */
  refresh(): Promise<TaskView[]> {
    if (!this.loading) {
      this.loading = this.load().finally(() => (this.loading = undefined));
      return this.loading;
    }
    this.queued ??= this.loading.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.queued;
  }

  private startQueued(): Promise<TaskView[]> {
    this.queued = undefined;
    return this.refresh();
  }

  private async load(): Promise<TaskView[]> {
    const raw = (await this.engine.docker.listTasks({ filters: { service: [this.swarmName] } })) as RawTask[];
    const views = await Promise.all(raw.map((task) => this.view(task)));
    this.tasks = views.sort((a, b) => a.slot - b.slot || a.createdAt.localeCompare(b.createdAt));
    for (const task of this.tasks) this.reportFailure(task);
    return this.tasks;
  }

  /** Tasks the orchestrator wants running (whatever state they reached). */
  get live(): TaskView[] {
    return this.tasks.filter((t) => t.desired === 'running' && LIVE_STATES.has(t.state));
  }

  /** Tasks running with a published port: what the front proxy routes to. */
  get running(): TaskView[] {
    return this.tasks.filter((t) => t.desired === 'running' && t.state === 'running' && t.hostPort !== undefined);
  }

  get all(): readonly TaskView[] {
    return this.tasks;
  }

  /** The task that fills each slot now: its newest running task, else its newest task. */
  get bySlot(): TaskView[] {
    const slots = new Map<number, TaskView>();
    for (const task of this.tasks) {
      const current = slots.get(task.slot);
      const running = (t: TaskView | undefined) => t?.desired === 'running' && t.state === 'running';
      if (!current || running(task) || !running(current)) slots.set(task.slot, task);
    }
    return [...slots.values()];
  }

  private async view(task: RawTask): Promise<TaskView> {
    const status = task.Status ?? {};
    const published = status.PortStatus?.Ports?.find((p) => p.PublishedPort);
    const port = published?.PublishedPort;
    const view: TaskView = {
      id: task.ID,
      slot: task.Slot ?? 0,
      createdAt: task.CreatedAt ?? '',
      state: status.State ?? 'unknown',
      desired: task.DesiredState ?? 'unknown',
      image: task.Spec?.ContainerSpec?.Image ?? '',
      containerId: status.ContainerStatus?.ContainerID || undefined,
      node: task.NodeID || undefined,
      hostPort: port,
      error: status.Err || undefined,
      message: status.Message || undefined,
    };
    view.digest = this.digestOfImage(view.image);
    const id = view.containerId;
    if (id && (LIVE_STATES.has(view.state) || (this.containers.has(id) && !this.settled.has(id)))) {
      await this.inspect(view, published?.TargetPort);
      if (!LIVE_STATES.has(view.state)) this.settled.add(id);
    } else if (id && this.containers.has(id)) {
      this.fromCache(view);
    }
    return view;
  }

  /** The container's image, pid, health and actual env/args (immutable parts cached per container). */
  private async inspect(view: TaskView, targetPort: number | undefined): Promise<void> {
    const info = await this.engine.inspectContainer(view.containerId!).catch(() => undefined);
    if (!info) return;
    // A random host port is allocated per address family: PortStatus lists the IPv6-only one too, in no set order.
    const ipv4 = info.NetworkSettings?.Ports?.[`${targetPort}/tcp`]?.find((b) => b.HostIp === '0.0.0.0' || /^\d+\.\d+\.\d+\.\d+$/.test(b.HostIp));
    if (ipv4) view.hostPort = Number(ipv4.HostPort);
    let known = this.containers.get(view.containerId!);
    if (!known) {
      known = { image: info.Image, digest: await this.digestOf(info.Image), env: info.Config.Env ?? [], args: info.Config.Cmd ?? [] };
      this.containers.set(view.containerId!, known);
    }
    view.digest = known.digest ?? view.digest;
    view.env = known.env;
    view.args = known.args;
    if (info.State.Pid) known.lastPid = info.State.Pid;
    view.pid = info.State.Pid || undefined;
    view.lastPid = known.lastPid;
    view.health = info.State.Health?.Status;
    view.paused = info.State.Paused;
  }

  /** An ended task's container as last inspected: no pid, no health, what it ran. */
  private fromCache(view: TaskView): void {
    const known = this.containers.get(view.containerId!)!;
    view.digest = known.digest ?? view.digest;
    view.env = known.env;
    view.args = known.args;
    view.lastPid = known.lastPid;
  }

  private digestOf(imageId: string): Promise<string> {
    let digest = this.imageDigests.get(imageId);
    if (!digest) {
      digest = this.engine.inspectImage(imageId).then((info) => {
        const labelled = info?.Config?.Labels?.[LABELS.releaseDigest];
        return labelled && /^sha256:[0-9a-f]{64}$/.test(labelled) ? labelled : imageId;
      });
      digest.catch(() => this.imageDigests.delete(imageId));
      this.imageDigests.set(imageId, digest);
    }
    return digest;
  }

  /** The first sign each task is bad: its health check failing (the container says `unhealthy`), or the task failing or being rejected. */
  private reportFailure(task: TaskView): void {
    if (this.reported.has(task.id)) return;
    // A task being stopped fails its probes too: only a task Swarm wants running counts.
    const unhealthy = task.health === 'unhealthy' && task.desired === 'running';
    if (!unhealthy && !['failed', 'rejected'].includes(task.state)) return;
    this.reported.add(task.id);
    const message = unhealthy ? 'its health check fails (container unhealthy)' : (task.error ?? task.message ?? task.state);
    this.timeline.emit('task-failed', { service: this.service, task: task.id.slice(0, 12), slot: task.slot, digest: task.digest, state: task.state, message });
  }
}

/** Polls `refresh` every `intervalMs` until stopped; a failed poll is logged once per message, never fatal. */
export function pollTasks(tasks: ServiceTasks, intervalMs: number, onRefresh: () => void, warn: (message: string) => void): () => Promise<void> {
  let stopped = false;
  let lastError = '';
  const loop = (async () => {
    while (!stopped) {
      try {
        await tasks.refresh();
        onRefresh();
      } catch (error) {
        const message = errorMessage(error);
        if (message !== lastError) warn(`swarm: tasks of ${tasks.service}: ${message}`);
        lastError = message;
      }
      await sleep(intervalMs);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}
