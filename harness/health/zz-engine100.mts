import { TrafficEngine } from '../traffic/traffic-engine.ts';
import { SeededRandom } from '../util/seeded-random.ts';
import { spawn } from 'node:child_process';
const child = spawn('node', ['-e', "require('http').createServer((q,s)=>s.end('ok')).listen(18557,'127.0.0.1')"], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 800));
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const rate = Number(process.env.RATE ?? 100);
for (let round = 0; round < 3; round++) {
  const t0 = performance.now(); const c0 = cpu(); const r0 = process.resourceUsage();
  const engine = new TrafficEngine({ baseUrl: new URL('http://127.0.0.1:18557'), spec: { target: 'x', rate, reads: ['/'], writeShare: 0, timeout: '2s', maxInFlight: 256 } as any, clock: () => performance.now() - t0, random: new SeededRandom(1), idPrefix: 'x', onSample: () => {} });
  engine.start(); await new Promise((r) => setTimeout(r, 3000)); await engine.stop();
  const r1 = process.resourceUsage();
  const ms = cpu() - c0; const n = engine.counters.completed;
  console.log('rate', rate, 'CPU ms/s', (ms / 3).toFixed(1), 'µs/req', (ms / n * 1000).toFixed(0), 'user', ((r1.userCPUTime - r0.userCPUTime) / 3000).toFixed(1), 'sys', ((r1.systemCPUTime - r0.systemCPUTime) / 3000).toFixed(1), 'vcsw', r1.voluntaryContextSwitches - r0.voluntaryContextSwitches);
}
child.kill();
import { readdirSync, readFileSync } from 'node:fs';
for (const t of readdirSync('/proc/self/task')) { const s = readFileSync(`/proc/self/task/${t}/stat`, 'utf8'); const comm = readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim(); const f = s.slice(s.lastIndexOf(')') + 2).split(' '); console.log(t, comm, 'utime', f[11], 'stime', f[12]); }
