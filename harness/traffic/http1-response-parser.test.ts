import { describe, expect, it } from 'vitest';
import { Http1ResponseParser } from './http1-response-parser.ts';

/** Feeds a response split at every byte boundary `step` apart; returns what came out. */
function parse(raw: string, step = 1): { states: string[]; body: string; head: Http1ResponseParser['head'] } {
  const chunks: Buffer[] = [];
  const parser = new Http1ResponseParser((c) => chunks.push(c));
  const bytes = Buffer.from(raw, 'latin1');
  const states: string[] = [];
  for (let i = 0; i < bytes.length; i += step) states.push(parser.push(bytes.subarray(i, i + step)));
  return { states, body: Buffer.concat(chunks).toString('latin1'), head: parser.head };
}

describe('Http1ResponseParser', () => {
  it('reads a Content-Length body however the bytes arrive, with status and release', () => {
    for (const step of [1, 3, 1000]) {
      const { states, body, head } = parse('HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-Drillbit-Release: sha256:ab\r\n\r\nhello', step);
      expect(states.at(-1)).toBe('done');
      expect(states.slice(0, -1).every((s) => s === 'more')).toBe(true);
      expect(body).toBe('hello');
      expect(head).toEqual({ status: 201, release: 'sha256:ab', keepAlive: true });
    }
  });

  it('decodes a chunked body with extensions and trailers', () => {
    for (const step of [1, 7, 1000]) {
      const { states, body } = parse('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nx-trailer: 1\r\n\r\n', step);
      expect(states.at(-1)).toBe('done');
      expect(body).toBe('hello world');
    }
  });

  it('skips interim 1xx heads, has no body on 204 and 304, and honours connection: close', () => {
    expect(parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok', 1000)).toMatchObject({ body: 'ok', head: { status: 200 } });
    expect(parse('HTTP/1.1 204 No Content\r\n\r\n', 1000).states).toEqual(['done']);
    expect(parse('HTTP/1.1 304 Not Modified\r\ncontent-length: 10\r\n\r\n', 1000).states).toEqual(['done']);
    expect(parse('HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n', 1000).head?.keepAlive).toBe(false);
    expect(parse('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n', 1000).head?.keepAlive).toBe(false);
  });

  it('takes a body without length or chunking to end with the connection, and calls a cut-short body truncated', () => {
    const parser = new Http1ResponseParser();
    expect(parser.push(Buffer.from('HTTP/1.1 200 OK\r\n\r\npartial'))).toBe('more');
    expect(parser.head?.keepAlive).toBe(false);
    expect(parser.end()).toBe('done');
    const cut = new Http1ResponseParser();
    cut.push(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc'));
    expect(cut.end()).toBe('truncated');
  });

  it('refuses what is not a response, a bad chunk, and bytes after the response', () => {
    expect(() => new Http1ResponseParser().push(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(/not an HTTP\/1\.x response/);
    expect(() => new Http1ResponseParser().push(Buffer.from('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'))).toThrow(/bad chunk size/);
    expect(() => new Http1ResponseParser().push(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nab'))).toThrow(/bytes after the response/);
  });
});
