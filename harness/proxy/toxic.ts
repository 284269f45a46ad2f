import type { z } from 'zod';

/** `upstream` is client → server, `downstream` server → client (Toxiproxy's `stream`). */
export type Stream = 'upstream' | 'downstream';
export const STREAMS: readonly Stream[] = ['upstream', 'downstream'];

export type ProxyProtocol = 'tcp' | 'http';

/** A toxic as the admin API shows it (Toxiproxy's JSON shape). */
export interface ToxicView {
  name: string;
  type: string;
  stream: Stream;
  toxicity: number;
  attributes: Record<string, number>;
}

/** What a caller gives to add a toxic; everything but `type` has Toxiproxy's default. */
export interface ToxicInput {
  type: string;
  /** Default `<type>_<stream>`. */
  name?: string;
  /** Default `downstream`. */
  stream?: Stream;
  /** Share of connections the toxic applies to, 0..1, decided per connection. Default 1. */
  toxicity?: number;
  /** Toxic-specific; missing attributes take the type's defaults (0 unless said otherwise). */
  attributes?: Record<string, unknown>;
}

/** Bytes on their way through one direction of a connection. */
export interface Chunk {
  data: Buffer;
  /** When the bytes entered the proxy (performance.now() ms), moved on by each latency toxic. */
  at: number;
}

/**
 * What a toxic's pipe sees of one direction of one connection (Toxiproxy's ToxicStub).
 * Everything the pipe pushes goes to the next toxic of the chain, in order.
 */
export interface ToxicStub {
  push(chunk: Chunk): void;
  /** Passes the end of the stream on (a FIN, or a close from an earlier toxic). */
  end(): void;
  /** Ends this direction after what was pushed and closes the connection (Toxiproxy's stub.Close()). */
  close(): void;
  /** Resets both sides of the connection now (TCP RST). */
  reset(): void;
  /** Resolves true after `ms`, or false as soon as the toxic is interrupted (removed, updated, connection gone). */
  sleep(ms: number): Promise<boolean>;
  /** The proxy's random source (seedable). */
  random(): number;
  now(): number;
  /** Per connection and toxic; survives updates of the toxic (Toxiproxy's StatefulToxic). */
  readonly state: Record<string, number>;
}

/**
 * One toxic running on one direction of one connection. `data` and `end` are called one
 * at a time, in order: the next item waits until a returned promise settles. A pipe that
 * sleeps must, when `sleep` returns false, push what it holds at once and return — data
 * is never dropped on the floor by an interruption.
 */
export interface ToxicPipe {
  data(chunk: Chunk): void | Promise<void>;
  /** The stream ended; default: pass it on. */
  end?(): void | Promise<void>;
  /** The toxic starts on this connection (after creation or an update). */
  start?(): void;
  /** The toxic stops on this connection: cancel timers. */
  stop?(): void;
  /** The toxic was removed while this connection lives (Toxiproxy's CleanupToxic). */
  removed?(): void;
}

/** A toxic that acts on a TCP stream. */
export interface TcpToxic<A> {
  pipe(attributes: A, stub: ToxicStub): ToxicPipe;
}

/** What an HTTP-mode proxy asks of a toxic for one request. */
export interface HttpToxicDecision {
  /** Answer this status without reaching the upstream. */
  abortStatus?: number;
  /** Hold the request (stream upstream) or the response (downstream) this long. */
  delayMs?: number;
}

/** A toxic that acts per request on an HTTP proxy (Drillbit extension). */
export interface HttpToxic<A> {
  request(attributes: A, random: () => number): HttpToxicDecision;
}

/**
 * One toxic type: its name, its attributes (zod: validation and defaults) and what it
 * can act on. One file each under toxics/, registered in toxic-registry.ts. Toxicity
 * and direction are applied by the shared wrapper (toxic-stage.ts), not here.
 */
export interface ToxicType<A extends Record<string, number> = Record<string, number>> {
  readonly type: string;
  readonly description: string;
  readonly attributes: z.ZodType<A>;
  readonly tcp?: TcpToxic<A>;
  readonly http?: HttpToxic<A>;
}

/** A toxic added to a proxy: validated, with its type resolved. Replaced (not mutated) by an update. */
export interface Toxic {
  readonly name: string;
  readonly type: ToxicType;
  readonly stream: Stream;
  readonly toxicity: number;
  readonly attributes: Record<string, number>;
}

export function toxicView(toxic: Toxic): ToxicView {
  return { name: toxic.name, type: toxic.type.type, stream: toxic.stream, toxicity: toxic.toxicity, attributes: { ...toxic.attributes } };
}
