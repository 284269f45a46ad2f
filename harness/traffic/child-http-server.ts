import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

// In its own process, so a stall blocks the service and not the load generator, and a benchmark measures the client's core only.
const SCRIPT = `
const http = require('node:http');
const [stallAt, stallMs, delayMs] = process.argv.slice(1).map(Number);
let n = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (++n === stallAt) { const end = Date.now() + stallMs; while (Date.now() < end); }
    if (delayMs > 0) setTimeout(() => res.end('ok'), delayMs);
    else res.end('ok');
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.on('end', () => process.exit(0)).resume();
`;

export interface ChildHttpServer {
  url: URL;
  stop(): Promise<void>;
}

/**
 * A trivial HTTP server in a child process (answers 200 "ok"). With `stallAt`, its
 * event loop blocks for `stallMs` while handling request number `stallAt`; with
 * `delayMs`, every answer comes that much later (a slow service whose loop stays free).
 */
export async function startChildHttpServer(options: { stallAt?: number; stallMs?: number; delayMs?: number } = {}): Promise<ChildHttpServer> {
  const { stallAt = 0, stallMs = 0, delayMs = 0 } = options;
  const child: ChildProcess = spawn(process.execPath, ['-e', SCRIPT, String(stallAt), String(stallMs), String(delayMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return {
    url: new URL(`http://127.0.0.1:${line.trim()}`),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin!.end(); // the child exits when its stdin closes, so it never outlives the test
      await exited;
    },
  };
}
