import { createServer } from 'node:http';
import { TrafficEngine } from '../traffic/traffic-engine.ts';
import { SeededRandom } from '../util/seeded-random.ts';
import { spawn } from 'node:child_process';
// trivial server in a child
const child = spawn('node', ['-e', "require('http').createServer((q,s)=>s.end('ok')).listen(18556,'127.0.0.1')"], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 800));
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
let c0 = cpu(); await new Promise((r) => setTimeout(r, 3000)); console.log('idle ms CPU per s', ((cpu() - c0) / 3).toFixed(1));
for (const rate of [50, 100, 200, 400, 800]) {
  const t0 = performance.now(); c0 = cpu();
  const engine = new TrafficEngine({ baseUrl: new URL('http://127.0.0.1:18556'), spec: { target: 'x', rate, reads: ['/'], writeShare: 0, timeout: '2s', maxInFlight: 256 } as any, clock: () => performance.now() - t0, random: new SeededRandom(1), idPrefix: 'x', onSample: () => {} });
  engine.start(); await new Promise((r) => setTimeout(r, 3000)); await engine.stop();
  const ms = cpu() - c0; const n = engine.counters.completed;
  console.log('rate', rate, 'CPU ms/s', (ms / 3).toFixed(1), 'µs/req', (ms / n * 1000).toFixed(0));
}
child.kill();
