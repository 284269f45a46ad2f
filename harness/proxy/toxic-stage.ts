import { performance } from 'node:perf_hooks';
import { chance } from './chance.ts';
import type { Chunk, Toxic, ToxicPipe, ToxicStub } from './toxic.ts';

/** How a direction's stream ends: a FIN from the source, or a close decided by a toxic. */
export type EndKind = 'end' | 'close';

/** Where a stage sends what its toxic lets through: the next stage, or the socket. */
export interface Receiver {
  push(chunk: Chunk): void;
  end(kind: EndKind): void;
}

/** What a stage needs from the connection it runs on. */
export interface StageHost {
  random(): number;
  /** A toxic reset the connection. */
  reset(): void;
  /** Bytes queued in stages changed by `delta` (for backpressure on the source). */
  queued(delta: number): void;
}

type Item = Chunk | { end: EndKind };

const PASS_THROUGH: (stub: ToxicStub) => ToxicPipe = (stub) => ({ data: (chunk) => stub.push(chunk) });

/**
 * One toxic on one direction of one connection: the wrapper every toxic shares. It
 * decides toxicity (one draw per connection, again on each update), feeds the toxic's
 * pipe one item at a time, and on an interruption (update, removal) lets the pipe hand on
 * what it holds before the chain is re-linked — Toxiproxy's ToxicStub and ToxicWrapper.
 */
export class ToxicStage implements Receiver {
  next: Receiver;
  private pipe: ToxicPipe;
  private readonly queue: Item[] = [];
  private busy: Promise<void> | undefined;
  private readonly sleepers = new Set<() => void>();
  private interrupted = false;
  /** A toxic closed or reset the stream: what still arrives is dropped. */
  private finished = false;
  /** Removed from the chain: everything goes straight to `next`. */
  private bypass = false;
  private ending: EndKind = 'end';
  private readonly state: Record<string, number> = {};

  constructor(
    public toxic: Toxic,
    next: Receiver,
    private readonly host: StageHost,
  ) {
    this.next = next;
    this.pipe = this.createPipe();
    this.pipe.start?.();
  }

  push(chunk: Chunk): void {
    if (this.bypass) return this.next.push(chunk);
    if (this.finished) return;
    this.queue.push(chunk);
    this.host.queued(chunk.data.length);
    this.pump();
  }

  end(kind: EndKind): void {
    if (this.bypass) return this.next.end(kind);
    if (this.finished) return;
    this.queue.push({ end: kind });
    this.pump();
  }

  /** The toxic was updated: the current pipe hands on what it holds, a new one (new toxicity draw) takes over. */
  async replace(toxic: Toxic): Promise<void> {
    await this.interrupt();
    this.toxic = toxic;
    if (this.finished || this.bypass) return;
    this.interrupted = false;
    this.pipe = this.createPipe();
    this.pipe.start?.();
    this.pump();
  }

  /** The toxic was removed: after its pipe settles, queued data goes on to `next` and so does everything after. */
  async remove(): Promise<void> {
    this.pipe.removed?.();
    await this.interrupt();
    this.bypass = true;
    const pending = this.queue.splice(0);
    for (const item of pending) {
      if ('end' in item) this.next.end(item.end);
      else {
        this.host.queued(-item.data.length);
        this.next.push(item);
      }
    }
  }

  /** The connection is gone: timers stop, nothing more is delivered. */
  stop(): void {
    this.finished = true;
    void this.interrupt();
    this.dropQueue();
  }

  private createPipe(): ToxicPipe {
    const stub = this.stub();
    const tcp = this.toxic.type.tcp;
    return tcp && chance(this.toxic.toxicity, () => this.host.random()) ? tcp.pipe(this.toxic.attributes, stub) : PASS_THROUGH(stub);
  }

  private async interrupt(): Promise<void> {
    this.interrupted = true;
    this.pipe.stop?.();
    for (const wake of [...this.sleepers]) wake();
    while (this.busy) await this.busy;
  }

  private pump(): void {
    while (!this.busy && !this.interrupted && !this.finished && this.queue.length > 0) {
      const item = this.queue.shift()!;
      let result: void | Promise<void>;
      if ('end' in item) {
        this.ending = item.end;
        result = this.pipe.end ? this.pipe.end() : this.next.end(item.end);
      } else {
        this.host.queued(-item.data.length);
        result = this.pipe.data(item);
      }
      if (result) {
        this.busy = result.then(
          () => this.settled(),
          () => this.settled(),
        );
      }
    }
  }

  private settled(): void {
    this.busy = undefined;
    this.pump();
  }

  private dropQueue(): void {
    for (const item of this.queue.splice(0)) if (!('end' in item)) this.host.queued(-item.data.length);
  }

  private stub(): ToxicStub {
    return {
      push: (chunk) => {
        if (!this.finished) this.next.push(chunk);
      },
      end: () => {
        if (this.finished) return;
        this.finished = true;
        this.next.end(this.ending);
      },
      close: () => {
        if (this.finished) return;
        this.finished = true;
        this.dropQueue();
        this.next.end('close');
      },
      reset: () => {
        if (this.finished) return;
        this.finished = true;
        this.dropQueue();
        this.host.reset();
      },
      sleep: (ms) => this.sleep(ms),
      random: () => this.host.random(),
      now: () => performance.now(),
      state: this.state,
    };
  }

  private sleep(ms: number): Promise<boolean> {
    if (this.interrupted) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const due = performance.now() + ms;
      let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
      const done = (completed: boolean) => {
        this.sleepers.delete(wake);
        resolve(completed);
      };
      const wake = () => {
        clearTimeout(timer as NodeJS.Timeout);
        clearImmediate(timer as NodeJS.Immediate);
        done(false);
      };
      // Timers fire on the loop's millisecond clock, up to a millisecond early or late:
      // re-arm until really due, and yield (setImmediate) for the last fraction.
      const check = () => {
        const left = due - performance.now();
        if (left <= 0) return done(true);
        timer = left >= 1 ? setTimeout(check, Math.floor(left)) : setImmediate(check);
      };
      this.sleepers.add(wake);
      if (Number.isFinite(ms)) check();
    });
  }
}
