import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { DrillbitError, errorMessage } from '../../errors.ts';

/** Where a Docker engine answers, as `DOCKER_HOST` names it, plus what dockerode needs to reach it. */
export interface DockerEndpoint {
  /** `unix:///var/run/docker.sock`, `tcp://127.0.0.1:2375`: for messages and for undo records. */
  url: string;
  socketPath?: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export const DEFAULT_DOCKER_URL = 'unix:///var/run/docker.sock';

const NO_ENGINE_HINT = 'start one: dockerd & (as root) — or run with --driver local';

/**
 * The engine the environment variables name (`DOCKER_HOST`, `DOCKER_TLS_VERIFY`,
 * `DOCKER_CERT_PATH`), default the system socket. Only the CLI's driver factory calls
 * this; the driver itself receives the endpoint.
 */
export function dockerFromEnvironment(env: Readonly<Record<string, string | undefined>>): DockerEndpoint {
  const url = env.DOCKER_HOST?.trim() || DEFAULT_DOCKER_URL;
  const endpoint = parseDockerUrl(url);
  if (endpoint.host && (env.DOCKER_TLS_VERIFY === '1' || endpoint.port === 2376)) {
    const certPath = env.DOCKER_CERT_PATH;
    if (!certPath) throw new DrillbitError('bad-input', `DOCKER_HOST ${url} asks for TLS but DOCKER_CERT_PATH is not set`, { hint: 'set DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem' });
    try {
      return { ...endpoint, protocol: 'https', ca: readFileSync(join(certPath, 'ca.pem')), cert: readFileSync(join(certPath, 'cert.pem')), key: readFileSync(join(certPath, 'key.pem')) };
    } catch (error) {
      throw new DrillbitError('bad-input', `DOCKER_CERT_PATH ${certPath}: ${errorMessage(error)}`, { hint: 'the folder must hold ca.pem, cert.pem and key.pem' });
    }
  }
  return endpoint;
}

/** `unix:///path`, `tcp://host:port` (or `host:port`) → an endpoint; anything else is bad input. */
export function parseDockerUrl(url: string): DockerEndpoint {
  if (url.startsWith('unix://')) return { url, socketPath: url.slice('unix://'.length) || '/var/run/docker.sock' };
  if (url.startsWith('/')) return { url: `unix://${url}`, socketPath: url };
  let parsed: URL;
  try {
    parsed = new URL(url.includes('//') ? url : `tcp://${url}`);
  } catch {
    throw new DrillbitError('bad-input', `DOCKER_HOST ${JSON.stringify(url)} is not an engine address`, { hint: 'use unix:///var/run/docker.sock or tcp://host:2375' });
  }
  if (parsed.protocol !== 'tcp:' && parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new DrillbitError('bad-input', `DOCKER_HOST ${url}: ${parsed.protocol.slice(0, -1)} engines are not supported`, { hint: 'use unix:///var/run/docker.sock or tcp://host:2375' });
  }
  return { url, host: parsed.hostname, port: Number(parsed.port || 2375), protocol: parsed.protocol === 'https:' ? 'https' : 'http' };
}

/**
 * The Docker engine a driver talks to: dockerode, plus the few things every caller needs
 * the same way — a reachability check that fails as an infrastructure error (exit 3) with
 * the hint to fix it, not-found detection, and stream helpers.
 */
export class DockerEngine {
  readonly docker: Docker;
  private reachable: Promise<void> | undefined;

  constructor(readonly endpoint: DockerEndpoint) {
    // Every connection field is passed, even when undefined: docker-modem fills the ones
    // left out from this process's DOCKER_HOST, which must not override the endpoint.
    this.docker = new Docker({
      socketPath: endpoint.socketPath,
      host: endpoint.host,
      port: endpoint.port,
      protocol: endpoint.protocol,
      ca: endpoint.ca,
      cert: endpoint.cert,
      key: endpoint.key,
    } as Docker.DockerOptions);
  }

  /** An engine at a `DOCKER_HOST`-style URL (default: the system socket). */
  static at(url: string = DEFAULT_DOCKER_URL): DockerEngine {
    return new DockerEngine(parseDockerUrl(url));
  }

  /** Resolves once the engine answered a ping (remembered); an infrastructure error naming the endpoint otherwise. */
  ready(timeoutMs = 5000): Promise<void> {
    this.reachable ??= this.ping(timeoutMs).catch((error: unknown) => {
      this.reachable = undefined;
      throw error;
    });
    return this.reachable;
  }

  /** One ping, never remembered. */
  async ping(timeoutMs = 5000): Promise<void> {
    try {
      await (this.docker.ping as (opts: { abortSignal: AbortSignal }) => Promise<unknown>)({ abortSignal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new DrillbitError('infrastructure', `no Docker engine at ${this.endpoint.url} (${describeDockerError(error)})`, { hint: NO_ENGINE_HINT, cause: error });
    }
  }

  /** True when an engine answers within the time; never throws. */
  async available(timeoutMs = 2000): Promise<boolean> {
    return this.ping(timeoutMs).then(() => true, () => false);
  }

  async inspectImage(ref: string): Promise<Docker.ImageInspectInfo | undefined> {
    try {
      return await this.docker.getImage(ref).inspect();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw engineError(`inspect image ${ref}`, error);
    }
  }

  async inspectContainer(id: string): Promise<Docker.ContainerInspectInfo | undefined> {
    try {
      return await this.docker.getContainer(id).inspect();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw engineError(`inspect container ${id}`, error);
    }
  }

  /** `docker load` of an archive in memory; rejects with the engine's message when the load fails. */
  async loadArchive(archive: Buffer): Promise<void> {
    // dockerode's types say path or stream; the modem writes a Buffer as the request body.
    const stream = (await this.docker.loadImage(archive as unknown as NodeJS.ReadableStream)) as unknown as NodeJS.ReadableStream;
    await followMessages(stream, 'docker load');
  }

  /** Removes a container (and its anonymous volumes), whatever state it is in; one that is gone is not an error. */
  async removeContainer(idOrName: string): Promise<void> {
    try {
      await this.docker.getContainer(idOrName).remove({ force: true, v: true });
    } catch (error) {
      if (isNotFound(error) || isAlreadyBeingRemoved(error)) return;
      throw engineError(`remove container ${idOrName}`, error);
    }
  }

  async removeNetwork(idOrName: string): Promise<void> {
    try {
      await this.docker.getNetwork(idOrName).remove();
    } catch (error) {
      if (isNotFound(error)) return;
      throw engineError(`remove network ${idOrName}`, error);
    }
  }

  /** Creates a named volume with these labels; its mountpoint on the engine's host. */
  async createVolume(name: string, labels: Record<string, string>): Promise<string> {
    try {
      await this.docker.createVolume({ Name: name, Labels: labels });
      return ((await this.docker.getVolume(name).inspect()) as { Mountpoint: string }).Mountpoint;
    } catch (error) {
      throw engineError(`create volume ${name}`, error);
    }
  }

  async removeVolume(name: string): Promise<void> {
    try {
      await this.docker.getVolume(name).remove({ force: true });
    } catch (error) {
      if (isNotFound(error)) return;
      throw engineError(`remove volume ${name}`, error);
    }
  }

  /** The last lines a container wrote (stdout and stderr, or only `stderr`), demultiplexed, for error messages; empty when unreadable. */
  async lastLogLines(id: string, lines = 5, streams: 'both' | 'stderr' = 'both', tail = 50): Promise<string[]> {
    try {
      const raw = (await this.docker.getContainer(id).logs({ stdout: streams === 'both', stderr: true, tail, follow: false })) as unknown as Buffer;
      return demultiplex(raw).split('\n').map((l) => l.trimEnd()).filter(Boolean).slice(-lines);
    } catch {
      return [];
    }
  }
}

/** Reads a JSON-lines progress stream (load, build) to its end; rejects on an `error` message. Returns every message. */
export function followMessages(stream: NodeJS.ReadableStream, what: string): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const messages: Record<string, unknown>[] = [];
    let buffered = '';
    const take = (line: string) => {
      if (!line.trim()) return;
      try {
        messages.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        messages.push({ stream: line });
      }
    };
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      lines.forEach(take);
    });
    stream.on('error', (error: Error) => reject(engineError(what, error)));
    stream.on('end', () => {
      take(buffered);
      const failed = messages.find((m) => m.error !== undefined || m.errorDetail !== undefined);
      if (failed) {
        const detail = (failed.errorDetail as { message?: string } | undefined)?.message ?? String(failed.error);
        reject(new DrillbitError('infrastructure', `${what} failed: ${detail.trim()}`));
      } else resolve(messages);
    });
  });
}

/** A non-TTY container's log stream: 8-byte frame headers (stream, size) before each chunk. */
export function demultiplex(raw: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const type = raw[offset]!;
    const size = raw.readUInt32BE(offset + 4);
    if (type > 2 || raw[offset + 1] !== 0 || offset + 8 + size > raw.length) return raw.toString('utf8'); // not multiplexed (a TTY container)
    parts.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

export function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number } | undefined)?.statusCode === 404;
}

export function isConflict(error: unknown): boolean {
  return (error as { statusCode?: number } | undefined)?.statusCode === 409;
}

/** 304: the container is already in the state asked for (started, stopped). */
export function isNotModified(error: unknown): boolean {
  return (error as { statusCode?: number } | undefined)?.statusCode === 304;
}

function isAlreadyBeingRemoved(error: unknown): boolean {
  return isConflict(error) && /already in progress/i.test(describeDockerError(error));
}

/** The engine's own message (`json.message`) rather than dockerode's `(HTTP code 404) …` wrapper, where there is one. */
export function describeDockerError(error: unknown): string {
  const json = (error as { json?: { message?: string } } | undefined)?.json;
  if (json && typeof json === 'object' && typeof json.message === 'string') return json.message;
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  const message = errorMessage(error);
  return cause instanceof Error && !message.includes(cause.message) ? `${message}: ${cause.message}` : message;
}

/** An engine call that failed for a reason other than not-found: infrastructure, with the engine's message. */
export function engineError(what: string, error: unknown): DrillbitError {
  if (error instanceof DrillbitError) return error;
  return new DrillbitError('infrastructure', `docker: ${what}: ${describeDockerError(error)}`, { cause: error });
}
