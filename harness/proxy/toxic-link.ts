import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import type { Stream, Toxic } from './toxic.ts';
import { ToxicStage, type EndKind, type Receiver, type StageHost } from './toxic-stage.ts';

/** Bytes queued in a direction's toxics before the source is paused (Toxiproxy buffers up to 1024 chunks per toxic). */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;

/** What a link reports to its connection. */
export interface LinkOwner {
  random(): number;
  reset(): void;
  /** The stream reached the destination's end: `close` when a toxic closed it. */
  ended(link: ToxicLink, kind: EndKind): void;
}

/**
 * One direction of one connection (Toxiproxy's ToxicLink): source socket → the toxics of
 * this stream, in the order they were added → destination socket. With no toxic the
 * source writes straight to the destination. Backpressure: the source pauses while the
 * destination needs a drain or the toxics hold more than HIGH_WATER_BYTES.
 */
export class ToxicLink {
  private readonly stages: ToxicStage[] = [];
  private readonly sink: Receiver;
  private head: Receiver;
  private queuedBytes = 0;
  private paused = false;
  private waitingDrain = false;
  private reading = true;
  private done = false;
  private readonly host: StageHost;

  constructor(
    readonly stream: Stream,
    private readonly source: Socket,
    private readonly dest: Socket,
    toxics: readonly Toxic[],
    private readonly owner: LinkOwner,
  ) {
    this.sink = { push: (chunk) => this.write(chunk.data), end: (kind) => this.finish(kind) };
    this.head = this.sink;
    this.host = {
      random: () => owner.random(),
      reset: () => owner.reset(),
      queued: (delta) => {
        this.queuedBytes += delta;
        if (delta < 0 && this.paused) this.updateFlow();
      },
    };
    for (const toxic of toxics) this.addToxic(toxic);
    source.on('data', (data: Buffer) => this.read(data));
    source.on('end', () => this.endOfSource());
  }

  /** Appended at the end of the chain, as Toxiproxy does; live from the next byte. */
  addToxic(toxic: Toxic): void {
    if (this.done) return;
    const stage = new ToxicStage(toxic, this.sink, this.host);
    const last = this.stages.at(-1);
    if (last) last.next = stage;
    else this.head = stage;
    this.stages.push(stage);
  }

  async updateToxic(toxic: Toxic): Promise<void> {
    await this.stageOf(toxic.name)?.replace(toxic);
  }

  /** Resolves once what the toxic held has moved on and the chain is re-linked. */
  async removeToxic(name: string): Promise<void> {
    const stage = this.stageOf(name);
    if (!stage) return;
    await stage.remove();
    const index = this.stages.indexOf(stage);
    if (index < 0) return;
    this.stages.splice(index, 1);
    if (index === 0) this.head = stage.next;
    else this.stages[index - 1]!.next = stage.next;
  }

  /** Stops reading the source and ends the stream through the toxics, as if the source had ended. */
  stopReading(): void {
    if (!this.reading) return;
    this.endOfSource();
    this.source.pause();
  }

  /** The connection is gone: every toxic stops. */
  stop(): void {
    this.done = true;
    this.reading = false;
    for (const stage of this.stages) stage.stop();
  }

  private read(data: Buffer): void {
    if (!this.reading) return;
    // No toxic on this stream: straight to the destination, the proxy's whole cost.
    if (this.head === this.sink) return this.write(data);
    this.head.push({ data, at: performance.now() });
    if (this.queuedBytes > HIGH_WATER_BYTES) this.updateFlow();
  }

  private endOfSource(): void {
    if (!this.reading) return;
    this.reading = false;
    this.head.end('end');
  }

  private write(data: Buffer): void {
    if (this.done || this.dest.destroyed || this.dest.writableEnded) return;
    if (!this.dest.write(data) && !this.waitingDrain) {
      this.waitingDrain = true;
      this.dest.once('drain', () => {
        this.waitingDrain = false;
        this.updateFlow();
      });
      this.updateFlow();
    }
  }

  private finish(kind: EndKind): void {
    if (this.done) return;
    this.done = true;
    this.owner.ended(this, kind);
  }

  private updateFlow(): void {
    const pause = this.reading && (this.waitingDrain || this.queuedBytes > HIGH_WATER_BYTES);
    if (pause === this.paused) return;
    this.paused = pause;
    if (pause) this.source.pause();
    else if (this.reading) this.source.resume();
  }

  private stageOf(name: string): ToxicStage | undefined {
    return this.stages.find((s) => s.toxic.name === name);
  }
}
