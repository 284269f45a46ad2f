import { toxicExists, toxicNotFound } from './proxy-error.ts';
import { STREAMS, toxicView, type ProxyProtocol, type Stream, type Toxic, type ToxicView } from './toxic.ts';
import { parseToxic, parseToxicUpdate } from './toxic-schema.ts';

/** Who applies toxic changes to live connections (the running frontend of a proxy). */
export interface ToxicListener {
  added(toxic: Toxic): void;
  updated(toxic: Toxic): Promise<void>;
  removed(toxic: Toxic): Promise<void>;
}

/**
 * The toxics of one proxy, in the order they were added (Toxiproxy's ToxicCollection).
 * Every change applies to new connections at once and is passed to the live ones.
 */
export class ToxicCollection {
  private toxics: Toxic[] = [];

  constructor(
    private readonly protocol: ProxyProtocol,
    private readonly listener: () => ToxicListener | undefined,
  ) {}

  /** Upstream toxics first, then downstream, each in the order added (as Toxiproxy lists them). */
  list(stream?: Stream): readonly Toxic[] {
    if (stream) return this.toxics.filter((t) => t.stream === stream);
    return STREAMS.flatMap((s) => this.toxics.filter((t) => t.stream === s));
  }

  views(): ToxicView[] {
    return this.list().map(toxicView);
  }

  get(name: string): Toxic | undefined {
    return this.toxics.find((t) => t.name === name);
  }

  /** Validates and adds; throws a ProxyError (400 bad toxic, 409 name taken). */
  add(input: unknown): Toxic {
    const toxic = parseToxic(input, this.protocol);
    if (this.get(toxic.name)) throw toxicExists(toxic.name);
    this.toxics = [...this.toxics, toxic];
    this.listener()?.added(toxic);
    return toxic;
  }

  /** Throws 404 for an unknown toxic, 400 for bad attributes. */
  async update(name: string, input: unknown): Promise<Toxic> {
    const current = this.get(name);
    if (!current) throw toxicNotFound(name);
    const updated = parseToxicUpdate(current, input);
    this.toxics = this.toxics.map((t) => (t === current ? updated : t));
    await this.listener()?.updated(updated);
    return updated;
  }

  /** False when there was no such toxic (nothing to do). */
  async remove(name: string): Promise<boolean> {
    const toxic = this.get(name);
    if (!toxic) return false;
    this.toxics = this.toxics.filter((t) => t !== toxic);
    await this.listener()?.removed(toxic);
    return true;
  }

  async reset(): Promise<void> {
    const all = this.toxics;
    this.toxics = [];
    const listener = this.listener();
    await Promise.all(all.map((t) => listener?.removed(t)));
  }
}
