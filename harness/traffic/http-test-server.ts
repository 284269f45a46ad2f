import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real loopback HTTP server for the traffic tests. */
export interface TestServer {
  url: URL;
  requests: number;
  /** Open connections to the server right now. */
  connections(): Promise<number>;
  close(): Promise<void>;
}

export type TestHandler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

export async function startTestServer(handler: TestHandler): Promise<TestServer> {
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      started.requests++;
      handler(request, response, body);
    });
  });
  let closing: Promise<void> | undefined;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const started: TestServer = {
    url: new URL(`http://127.0.0.1:${port}`),
    requests: 0,
    connections: () => new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    close: () => (closing ??= closeWithin(server, 2000)),
  };
  return started;
}

/** Closes the server; rejects if requests are still open after `ms` (something hangs). */
function closeWithin(server: ReturnType<typeof createServer>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      reject(new Error(`server still had open connections after ${ms}ms`));
    }, ms);
    server.close((error) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    });
  });
}

export function respond(response: ServerResponse, status: number, body = '', headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(body);
}
