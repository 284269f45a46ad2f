import type { ReadBackSpec, WriteSpec } from '../scenario/schema.ts';
import { errorMessage } from '../errors.ts';
import { HttpClient, type HttpRequest, type HttpResult } from './http-client.ts';
import type { DataResult } from './sample.ts';
import { checkSet, unreadSet } from './set-checker.ts';
import { fillTemplate, type WriteTracker } from './write-tracker.ts';

export interface ReadBackOptions {
  /** The service's stable address. */
  baseUrl: URL;
  /** The run's writes (`TrafficEngine.writes`), stopped: nothing in flight. */
  tracker: WriteTracker;
  /** How to read the set back. Default: a list GET on the write path (see `defaultReadBack`). */
  spec?: ReadBackSpec;
  /** Per-request timeout. Default 5000ms. */
  timeoutMs?: number;
  /** Parallel requests in byId mode. Default 32. */
  concurrency?: number;
  /** Tries per request when there is no response or a 5xx. Default 3. */
  attempts?: number;
  /** Pause before a retry. Default 200ms. */
  retryDelayMs?: number;
}

/** A read that did not answer whether the data is there; the whole read-back is then unknown. */
class ReadBackFailed extends Error {}

/** List mode on the write path, cut before its `{id}` segment and query (`/orders/{id}` → `/orders`). */
export function defaultReadBack(writes: WriteSpec): ReadBackSpec {
  let path = writes.path.split('?')[0]!;
  const idAt = path.indexOf('{id}');
  if (idAt >= 0) path = path.slice(0, path.lastIndexOf('/', idAt));
  return { list: path === '' ? '/' : path, idField: 'id' };
}

/**
 * Reads the set of writes back after recovery and runs the set checker. Never
 * throws for a service problem: a failed read-back is `readBack: false` with the
 * reason, so the data check is unknown — never passed.
 */
export async function readBack(options: ReadBackOptions): Promise<DataResult> {
  const spec = options.spec ?? defaultReadBack(options.tracker.spec);
  const concurrency = options.concurrency ?? 32;
  const client = new HttpClient(options.baseUrl, { connections: concurrency, timeoutMs: options.timeoutMs ?? 5000 });
  const get = (path: string): Promise<HttpResult> => getWithRetries(client, { method: 'GET', path }, options);
  try {
    if ('list' in spec) return checkSet(options.tracker, { present: await readList(get, spec.list, spec.idField), mode: 'list' });
    const ids = [...options.tracker.all()].filter((r) => r.outcome !== 'failed').map((r) => r.id);
    const present = await readEach(get, spec.byId, new Set(spec.presentStatuses), ids, concurrency);
    return checkSet(options.tracker, { present, mode: 'byId' });
  } catch (error) {
    return unreadSet(options.tracker, errorMessage(error));
  } finally {
    await client.close();
  }
}

async function readList(get: (path: string) => Promise<HttpResult>, path: string, idField: string): Promise<Set<string>> {
  const result = await get(path);
  if (result.error !== undefined || result.status < 200 || result.status >= 300) throw new ReadBackFailed(`GET ${path}: ${describe(result)}`);
  let items: unknown;
  try {
    items = JSON.parse(result.body ?? '');
  } catch {
    throw new ReadBackFailed(`GET ${path}: the body is not JSON`);
  }
  if (!Array.isArray(items)) throw new ReadBackFailed(`GET ${path}: expected a JSON array of ids or of objects with "${idField}"`);
  const ids = new Set<string>();
  for (const item of items) {
    const id = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[idField] : item;
    if (typeof id === 'string' || typeof id === 'number') ids.add(String(id));
  }
  return ids;
}

/** GETs every id (bounded concurrency); present on a present status, absent on 404, else it fails. */
async function readEach(get: (path: string) => Promise<HttpResult>, template: string, presentStatuses: ReadonlySet<number>, ids: readonly string[], concurrency: number): Promise<Set<string>> {
  const present = new Set<string>();
  let next = 0;
  let failure: ReadBackFailed | undefined;
  const worker = async (): Promise<void> => {
    while (next < ids.length && failure === undefined) {
      const id = ids[next++]!;
      const path = fillTemplate(template, id, encodeURIComponent);
      const result = await get(path);
      if (result.error === undefined && presentStatuses.has(result.status)) present.add(id);
      else if (result.error !== undefined || result.status !== 404) failure ??= new ReadBackFailed(`GET ${path}: ${describe(result)}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  if (failure) throw failure;
  return present;
}

async function getWithRetries(client: HttpClient, request: HttpRequest, options: ReadBackOptions): Promise<HttpResult> {
  const attempts = Math.max(1, options.attempts ?? 3);
  for (let attempt = 1; ; attempt++) {
    const result = await client.send(request, true);
    const retryable = result.status === 0 || result.status >= 500;
    if (!retryable || attempt >= attempts) return result;
    await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 200));
  }
}

function describe(result: HttpResult): string {
  if (result.status === 0) return `no response (${result.error ?? 'unknown error'})`;
  return result.error === undefined ? `unexpected status ${result.status}` : `status ${result.status}, ${result.error}`;
}
