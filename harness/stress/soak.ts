import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { WriteTracker } from '../traffic/write-tracker.ts';

/**
 * A soak of the harness itself: one drill of `--minutes` (10) at `--rate` (1000) requests/s
 * on the local driver, with a fault every 30 s (pause, kill, http-delay, http-abort in
 * turn), while the harness's resident memory is sampled every 5 s from /proc. Memory is
 * flat when its least-squares slope after the first minute (warm-up) is small against the
 * traffic it served; the report gives the numbers to judge by.
 *
 *   npm run soak -- [--minutes 10] [--rate 1000] [--heap-mb 256]
 *   npm run soak -- --write-set     (only: what the data check keeps per write)
 *
 * Writes reports/soak/soak.md and the drill's output under reports/soak/run/. Not in CI:
 * it runs for the whole duration by design. Bounded: the drill ends by itself after
 * `--minutes`, and the script SIGINTs it 2 minutes later if it has not.
 */

const ROOT = resolve(import.meta.dirname, '../..');

export async function main(args: string[]): Promise<number> {
  const flag = (name: string, fallback: number) => {
    const i = args.indexOf(`--${name}`);
    const value = i >= 0 ? Number(args[i + 1]) : fallback;
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: expected a positive number`);
    return value;
  };
  if (args.includes('--write-set')) {
    console.log(`the data check keeps ${writeSetBytes()} bytes of heap a write (100,000 writes recorded and acknowledged, after a full GC)`);
    return 0;
  }
  const minutes = flag('minutes', 10);
  const rate = flag('rate', 1000);
  // A cap on the harness's V8 old space: RSS alone also counts garbage V8 has not collected
  // yet; a run that completes under a small cap proves what it really retains stays under it.
  const heapMb = args.includes('--heap-mb') ? flag('heap-mb', 256) : undefined;
  const dir = join(ROOT, 'reports/soak');
  mkdirSync(dir, { recursive: true });
  // A run that dies before its results must not be reported with the previous run's.
  rmSync(join(dir, 'run'), { recursive: true, force: true });
  const scenarioFile = join(dir, 'soak.drill.yaml');
  writeFileSync(scenarioFile, scenario(minutes, rate));

  const started = Date.now();
  const child = spawn(process.execPath, ['bin/drillbit.mjs', 'run', scenarioFile, '--output', join(dir, 'run'), '--reporter', 'list,json'], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true', DRILLBIT_HOME: join(dir, 'home'), DRILLBIT_LEDGER: join(dir, 'ledger.ndjson'), ...(heapMb ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${heapMb}`.trim() } : {}) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const samples: { minute: number; rssMb: number }[] = [];
  const sampler = setInterval(() => {
    const rss = rssMb(child.pid!);
    if (rss !== undefined) samples.push({ minute: (Date.now() - started) / 60_000, rssMb: rss });
  }, 5_000);
  const guard = setTimeout(() => child.kill('SIGINT'), (minutes + 2) * 60_000);
  const code = await exited;
  clearInterval(sampler);
  clearTimeout(guard);

  const results = readResults(join(dir, 'run/results.json'));
  const afterWarmUp = samples.filter((s) => s.minute >= 1);
  const slope = leastSquaresSlope(afterWarmUp.map((s) => [s.minute, s.rssMb]));
  const first = afterWarmUp[0]?.rssMb;
  const last = afterWarmUp.at(-1)?.rssMb;
  const max = Math.max(...samples.map((s) => s.rssMb));
  const report = [
    `# Soak: ${minutes} min at ${rate} requests/s with a fault every 30 s`,
    '',
    `\`npm run soak -- --minutes ${minutes} --rate ${rate}${heapMb ? ` --heap-mb ${heapMb}` : ''}\` on ${new Date().toISOString()}; drillbit run exited ${code}${heapMb ? ` with its V8 old space capped at ${heapMb} MB` : ''}.`,
    '',
    '| metric | value |',
    '| --- | --- |',
    `| requests sent | ${results?.requests ?? 'n/a'} |`,
    `| availability | ${results?.availability === undefined ? 'n/a' : `${(results.availability * 100).toFixed(2)}%`} |`,
    `| faults injected and reverted | ${results?.faults ?? 'n/a'} |`,
    `| harness RSS at 1 min | ${fmt(first)} MB |`,
    `| harness RSS at the end | ${fmt(last)} MB |`,
    `| harness RSS max | ${fmt(max)} MB |`,
    `| RSS slope after warm-up (least squares) | ${fmt(slope, 2)} MB/min |`,
    `| samples | ${samples.length} (every 5 s) |`,
    `| heap the data check keeps a write | ${writeSetBytes()} bytes (its set of every write: the growth that remains) |`,
    '',
    `RSS samples (minute: MB): ${samples.filter((_, i) => i % 6 === 0).map((s) => `${s.minute.toFixed(1)}: ${s.rssMb.toFixed(0)}`).join(', ')}`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'soak.md'), report);
  console.log(`\n${report}`);
  return code === 0 || code === 1 ? 0 : 1;
}

function scenario(minutes: number, rate: number): string {
  const faults: string[] = [];
  const kinds = [
    (t: number) => `  - { at: ${t}s, fault: pause, target: { service: shop, replica: 0 }, for: 2s }`,
    (t: number) => `  - { at: ${t}s, fault: kill, target: { service: shop, replica: 1 }, for: 5s }`,
    (t: number) => `  - { at: ${t}s, fault: http-delay, target: shop, for: 3s, params: { share: 0.2, delayMs: 200 } }`,
    (t: number) => `  - { at: ${t}s, fault: http-abort, target: shop, for: 3s, params: { share: 0.1, status: 503 } }`,
  ];
  for (let t = 30, i = 0; t < minutes * 60 - 10; t += 30, i += 1) faults.push(kinds[i % kinds.length]!(t));
  return `# Generated by harness/stress/soak.ts
name: soak ${minutes} min at ${rate} rps
services:
  shop: { releases: { v1: ${join(ROOT, 'fixtures/shop/v1')} }, replicas: 2 }
traffic: { target: shop, rate: ${rate}, reads: [/products], writes: /orders, writeShare: 0.05 }
slo: { recoveryTime: 10s, availability: 0.9 }
faults:
${faults.join('\n')}
steps:
  - { kind: deploy, service: shop, release: v1 }
  - { kind: wait, for: ${minutes * 60}s }
`;
}

function rssMb(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

function readResults(path: string): { requests?: number; availability?: number; faults?: number } | undefined {
  try {
    const results = JSON.parse(readFileSync(path, 'utf8')) as { scenarios: { slis?: { requests?: number; availability?: number }; faults?: { status: string }[] }[] };
    const s = results.scenarios[0];
    return { requests: s?.slis?.requests, availability: s?.slis?.availability, faults: s?.faults?.filter((f) => f.status === 'reverted').length };
  } catch {
    return undefined;
  }
}

function leastSquaresSlope(points: [number, number][]): number | undefined {
  if (points.length < 2) return undefined;
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx === 0 ? undefined : sxy / sxx;
}

function fmt(value: number | undefined, digits = 1): string {
  return value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
}

/**
 * What the data check's write set (every write's id, outcome and times, kept to the end to read
 * acknowledged writes back) holds a write: the heap 100,000 recorded writes take after a full GC.
 */
function writeSetBytes(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const tracker = new WriteTracker({ method: 'POST', path: '/orders', body: '{"id":"{id}"}', contentType: 'application/json', ackStatuses: [201] }, 'soak-1-0a1b2c');
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 100_000; i++) tracker.complete(tracker.invoke(i).id, 201, i + 5);
  gc();
  const bytes = (process.memoryUsage().heapUsed - before) / 100_000;
  if (tracker.counts().acked !== 100_000) throw new Error('the write set lost writes while measured');
  return Math.round(bytes);
}
