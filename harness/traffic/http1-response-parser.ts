/** What an HTTP/1.1 response says about itself, once its head is in. */
export interface ResponseHead {
  status: number;
  /** `x-drillbit-release`, when present. */
  release: string | undefined;
  /** Whether the connection can carry another request after this response. */
  keepAlive: boolean;
}

type BodyMode = { kind: 'none' } | { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'until-close' };

const CRLF = 0x0a; // the parser looks for "\n" and tolerates a missing "\r"
const HEAD_END = Buffer.from('\r\n\r\n');
/** A response head larger than this is refused (a broken or hostile server). */
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * An incremental parser of one HTTP/1.1 response at a time on a keep-alive connection:
 * bytes go in as they arrive, and it says when the head and the whole body are in. It
 * understands what a load generator meets — Content-Length, chunked transfer coding,
 * bodies that end with the connection, 1xx interim responses, 204/304 — and nothing
 * more (no trailers kept, no pipelining: one request in flight per connection).
 */
export class Http1ResponseParser {
  head: ResponseHead | undefined;
  private pending: Buffer | undefined;
  private body: BodyMode = { kind: 'none' };
  private chunkLeft = -1; // -1: a size line is next; -2: the CRLF after a chunk; -3: trailers after the last chunk
  private done = false;

  constructor(private readonly onBody?: (chunk: Buffer) => void) {}

  /** Feeds bytes; returns 'done' when the response is complete (any bytes after it are an error: no pipelining). */
  push(data: Buffer): 'more' | 'done' {
    let buf = this.pending ? Buffer.concat([this.pending, data]) : data;
    this.pending = undefined;
    if (!this.head) {
      const end = buf.indexOf(HEAD_END);
      if (end < 0) {
        if (buf.length > MAX_HEAD_BYTES) throw new Error(`response head over ${MAX_HEAD_BYTES} bytes`);
        this.pending = buf;
        return 'more';
      }
      const parsed = parseHead(buf.toString('latin1', 0, end));
      buf = buf.subarray(end + HEAD_END.length);
      if (parsed.status >= 100 && parsed.status < 200) return buf.length ? this.push(buf) : 'more'; // interim: the real head follows
      this.head = parsed.head;
      this.body = parsed.body;
    }
    return this.consume(buf);
  }

  /** The connection ended: a body that ends with the connection is now complete; any other is cut short. */
  end(): 'done' | 'truncated' {
    if (this.done) return 'done';
    if (this.head && this.body.kind === 'until-close') return (this.done = true), 'done';
    return 'truncated';
  }

  private consume(buf: Buffer): 'more' | 'done' {
    const body = this.body;
    if (body.kind === 'none') return this.finish(buf);
    if (body.kind === 'until-close') {
      if (buf.length) this.onBody?.(buf);
      return 'more';
    }
    if (body.kind === 'length') {
      const take = Math.min(body.left, buf.length);
      if (take) this.onBody?.(buf.subarray(0, take));
      body.left -= take;
      return body.left === 0 ? this.finish(buf.subarray(take)) : 'more';
    }
    return this.consumeChunked(buf);
  }

  private consumeChunked(input: Buffer): 'more' | 'done' {
    let buf = input;
    while (buf.length) {
      if (this.chunkLeft > 0) {
        const take = Math.min(this.chunkLeft, buf.length);
        this.onBody?.(buf.subarray(0, take));
        this.chunkLeft -= take;
        buf = buf.subarray(take);
        if (this.chunkLeft === 0) this.chunkLeft = -2;
        continue;
      }
      const eol = buf.indexOf(CRLF);
      if (eol < 0) {
        this.pending = buf;
        return 'more';
      }
      const line = buf.toString('latin1', 0, eol).replace(/\r$/, '');
      buf = buf.subarray(eol + 1);
      if (this.chunkLeft === -2) {
        if (line !== '') throw new Error('chunked body: no CRLF after a chunk');
        this.chunkLeft = -1;
      } else if (this.chunkLeft === -3) {
        if (line === '') return this.finish(buf); // the blank line after any trailers
      } else {
        const size = Number.parseInt(line.split(';', 1)[0]!, 16);
        if (!Number.isFinite(size) || size < 0) throw new Error(`chunked body: bad chunk size ${JSON.stringify(line.slice(0, 20))}`);
        this.chunkLeft = size === 0 ? -3 : size;
      }
    }
    return 'more';
  }

  private finish(rest: Buffer): 'done' {
    if (rest.length) throw new Error('bytes after the response (the server pipelines or sent garbage)');
    this.done = true;
    return 'done';
  }
}

function parseHead(text: string): { status: number; head: ResponseHead; body: BodyMode } {
  const lines = text.split(/\r?\n/);
  const statusLine = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
  if (!statusLine) throw new Error(`not an HTTP/1.x response: ${JSON.stringify((lines[0] ?? '').slice(0, 40))}`);
  const http10 = statusLine[1] === '0';
  const status = Number(statusLine[2]);
  let length: number | undefined;
  let chunked = false;
  let connection = '';
  let release: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') length = Number(value);
    else if (name === 'transfer-encoding') chunked = value.toLowerCase().split(',').some((v) => v.trim() === 'chunked');
    else if (name === 'connection') connection = value.toLowerCase();
    else if (name === 'x-drillbit-release') release ??= value;
  }
  if (length !== undefined && (!Number.isSafeInteger(length) || length < 0)) throw new Error(`bad content-length ${length}`);
  const noBody = status === 204 || status === 304 || (status >= 100 && status < 200);
  const body: BodyMode = noBody ? { kind: 'none' } : chunked ? { kind: 'chunked' } : length !== undefined ? (length === 0 ? { kind: 'none' } : { kind: 'length', left: length }) : { kind: 'until-close' };
  const keepAlive = body.kind !== 'until-close' && (http10 ? connection.includes('keep-alive') : !connection.split(',').some((v) => v.trim() === 'close'));
  return { status, head: { status, release, keepAlive }, body };
}
