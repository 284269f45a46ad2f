import { TrafficEngine } from '../traffic/traffic-engine.ts';
import { SeededRandom } from '../util/seeded-random.ts';
import { FrontProxy } from '../drivers/local/front-proxy.ts';
import { spawn } from 'node:child_process';
const child = spawn('node', ['-e', "require('http').createServer((q,s)=>s.end('ok')).listen(18559,'127.0.0.1')"], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 800));
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const engines = Number(process.env.N ?? 8); const withProxy = process.env.PROXY === '1';
let base = new URL('http://127.0.0.1:18559');
const proxies: FrontProxy[] = [];
for (let round = 0; round < 3; round++) {
  const t0 = performance.now(); const c0 = cpu();
  const es = [];
  for (let i = 0; i < engines; i++) {
    let url = base;
    if (withProxy) { const p = new FrontProxy('x' + i); url = await p.listen(); p.setPool([{ id: 'a', port: 18559 }]); proxies.push(p); }
    es.push(new TrafficEngine({ baseUrl: url, spec: { target: 'x', rate: 100, reads: ['/'], writeShare: 0, timeout: '2s', maxInFlight: 256 } as any, clock: () => performance.now() - t0, random: new SeededRandom(1), idPrefix: 'x', onSample: () => {} }));
  }
  es.forEach((e) => e.start()); await new Promise((r) => setTimeout(r, 3000)); await Promise.all(es.map((e) => e.stop()));
  const ms = cpu() - c0; const n = es.reduce((a, e) => a + e.counters.completed, 0);
  console.log(`engines ${engines} proxy ${withProxy}: CPU ms/s ${(ms / 3).toFixed(1)}, per 100 req/s ${(ms / 3 / (n / 300)).toFixed(1)} ms/s, µs/req ${(ms / n * 1000).toFixed(0)}`);
  for (const p of proxies.splice(0)) await p.close();
}
child.kill(); process.exit(0);
