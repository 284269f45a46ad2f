import { get } from 'node:http';

export interface ProbeResult {
  ok: boolean;
  /** `200`, `503`, `connect ECONNREFUSED …`, `no answer within 500ms`: for error messages. */
  detail: string;
}

/** One health GET on loopback, on a fresh connection; ok only for HTTP 200. Never throws. */
export function probeHealth(port: number, path: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const request = get({ host: '127.0.0.1', port, path, agent: false, headers: { connection: 'close' } }, (response) => {
      response.resume();
      settle({ ok: response.statusCode === 200, detail: `HTTP ${response.statusCode}` });
    });
    request.on('error', (error) => settle({ ok: false, detail: error.message }));
    const timer = setTimeout(() => settle({ ok: false, detail: `no answer within ${timeoutMs}ms` }), Math.max(1, timeoutMs));
  });
}
