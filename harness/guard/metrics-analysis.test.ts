import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePrometheusText } from './prometheus-text.ts';
import { SeriesSelector } from './series-selector.ts';
import { MetricsAnalysis } from './metrics-analysis.ts';

const exposition = `# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{route="/a",code="200"} 90
http_requests_total{route="/a",code="500"} 7
http_requests_total{route="/healthz",code="200"} 40 1700000000000
weird_label{msg="a \\"quoted\\" value, with comma"} 1
not a series line
`;

describe('Prometheus text and selectors', () => {
  it('parses series with labels, escapes and timestamps, skipping junk', () => {
    const series = parsePrometheusText(exposition);
    expect(series).toHaveLength(4);
    expect(series[3]).toEqual({ name: 'weird_label', labels: { msg: 'a "quoted" value, with comma' }, value: 1 });
  });

  it('selects with =, !=, =~ and !~ (anchored), and sums', () => {
    const series = parsePrometheusText(exposition);
    expect(SeriesSelector.parse('http_requests_total').sum(series)).toBe(137);
    expect(SeriesSelector.parse('http_requests_total{code=~"5.."}').sum(series)).toBe(7);
    expect(SeriesSelector.parse('http_requests_total{route!="/healthz"}').sum(series)).toBe(97);
    expect(SeriesSelector.parse('http_requests_total{code!~"2.*", route="/a"}').sum(series)).toBe(7);
    expect(SeriesSelector.parse('http_requests_total{code=~"5"}').sum(series)).toBe(0);
    expect(() => SeriesSelector.parse('rate(x[5m])')).toThrow(/not a series selector/);
  });
});

describe('Prometheus text: what a line may look like', () => {
  it('reads series without labels, surrounding and repeated spaces, a timestamp, and the special values', () => {
    const text = '  up 1  \nreqs   5\nreqs_t 7  1700000000000\npos +Inf\nneg -Inf\nnan NaN\n';
    const series = parsePrometheusText(text);
    expect(series.map((s) => [s.name, s.value])).toEqual([['up', 1], ['reqs', 5], ['reqs_t', 7], ['pos', Infinity], ['neg', -Infinity], ['nan', NaN]]);
    expect(series[0]!.labels).toEqual({});
  });
  it('unescapes newlines, quotes and backslashes in label values', () => {
    expect(parsePrometheusText('x{a="l1\\nl2",b="c:\\\\d"} 1')[0]!.labels).toEqual({ a: 'l1\nl2', b: 'c:\\d' });
  });
  it('skips a line with a bad name, bad labels, a bad value or junk after it', () => {
    expect(parsePrometheusText('9bad 1\nx{a=b} 1\nx{a="b"} 1abc\nx 1 junk\nx{a="b" 1\n# x 1')).toEqual([]);
  });
});

describe('SeriesSelector: what a selector may look like', () => {
  const series = parsePrometheusText('reqs{code="500",route="/a"} 2\nreqs{code="200"} 3\nreqs{code="("} 5');
  it('allows spaces around operators and commas, and a trailing comma', () => {
    expect(SeriesSelector.parse('reqs{ code= "500" ,route =~"/.*", }').sum(series)).toBe(2);
  });
  it('matches a missing label as empty, and a regex character in = literally', () => {
    expect(SeriesSelector.parse('reqs{route=""}').sum(series)).toBe(8);
    expect(SeriesSelector.parse('reqs{route!=""}').sum(series)).toBe(2);
    expect(SeriesSelector.parse('reqs{code="("}').sum(series)).toBe(5);
  });
  it('says what it could not read', () => {
    expect(() => SeriesSelector.parse('1reqs')).toThrow('not a series selector: "1reqs" (expected name{label="value"})');
    expect(() => SeriesSelector.parse('reqs{code}')).toThrow('bad label matcher in "reqs{code}"');
  });
});

describe('MetricsAnalysis against a real /metrics endpoint', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  async function serve(counters: { ok: number; errors: number }): Promise<URL> {
    server = createServer((_req, res) => res.end(`reqs{code="200"} ${counters.ok}\nreqs{code="500"} ${counters.errors}\n`));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  it('is unknown until the counters move, then judges the increase in the window', async () => {
    const counters = { ok: 1000, errors: 0 };
    const url = await serve(counters);
    const analysis = new MetricsAnalysis({ path: '/metrics', errors: 'reqs{code=~"5.."}', total: 'reqs', above: 0.05, for: '10s' }, async () => [{ id: 'r1', url }]);
    const input = (nowMs: number) => ({ service: 's', samples: [], armedAtMs: 0, nowMs });
    expect((await analysis.evaluate(input(100))).status).toBe('unknown');
    counters.ok += 100;
    expect((await analysis.evaluate(input(200))).status).toBe('pass');
    counters.ok += 50;
    counters.errors += 50;
    const verdict = await analysis.evaluate(input(300));
    expect(verdict.status).toBe('fail');
    expect(verdict.value).toBeCloseTo(50 / 200);
  });

  it('treats a counter that went down as a restart from zero', async () => {
    const counters = { ok: 500, errors: 100 };
    const url = await serve(counters);
    const analysis = new MetricsAnalysis({ path: '/metrics', errors: 'reqs{code="500"}', total: 'reqs', above: 0.5, for: '10s' }, async () => [{ id: 'r1', url }]);
    await analysis.evaluate({ service: 's', samples: [], armedAtMs: 0, nowMs: 1 });
    counters.ok = 10;
    counters.errors = 0;
    const verdict = await analysis.evaluate({ service: 's', samples: [], armedAtMs: 0, nowMs: 2 });
    expect(verdict.status).toBe('pass');
    expect(verdict.message).toContain('over 10 requests');
  });

  it('judges the increase since the latest scrape at or before the window start, and passes a ratio at the limit', async () => {
    const counters = { ok: 1000, errors: 0 };
    const url = await serve(counters);
    const analysis = new MetricsAnalysis({ path: '/metrics', errors: 'reqs{code="500"}', total: 'reqs', above: 0.5, for: '100ms' }, async () => [{ id: 'r1', url }]);
    expect(analysis.name).toBe('metrics error ratio');
    const input = (nowMs: number) => ({ service: 's', samples: [], armedAtMs: 0, nowMs });
    expect(await analysis.evaluate(input(0))).toEqual({ status: 'unknown', message: 'no requests counted by reqs since the window began' });
    counters.ok += 100;
    await analysis.evaluate(input(50));
    counters.ok += 300;
    await analysis.evaluate(input(100)); // the window of the next one starts here
    counters.ok += 50;
    counters.errors += 50;
    expect(await analysis.evaluate(input(200))).toEqual({ status: 'pass', message: 'reqs{code="500"} / reqs = 50.0% over 100 requests (limit 50.0%)', value: 0.5 });
  });

  it('starts the window at the arming when that is later', async () => {
    const counters = { ok: 1000, errors: 0 };
    const url = await serve(counters);
    const analysis = new MetricsAnalysis({ path: '/metrics', errors: 'reqs{code="500"}', total: 'reqs', above: 0.6, for: '10s' }, async () => [{ id: 'r1', url }]);
    await analysis.evaluate({ service: 's', samples: [], armedAtMs: 0, nowMs: 0 });
    counters.ok += 100;
    await analysis.evaluate({ service: 's', samples: [], armedAtMs: 0, nowMs: 50 });
    counters.errors += 100;
    expect(await analysis.evaluate({ service: 's', samples: [], armedAtMs: 60, nowMs: 200 })).toMatchObject({ status: 'fail', value: 1 });
  });

  it('counts an unchanged error counter as no new errors, not as a restart', async () => {
    const counters = { ok: 1000, errors: 100 };
    const url = await serve(counters);
    const analysis = new MetricsAnalysis({ path: '/metrics', errors: 'reqs{code="500"}', total: 'reqs', above: 0.05, for: '10s' }, async () => [{ id: 'r1', url }]);
    await analysis.evaluate({ service: 's', samples: [], armedAtMs: 0, nowMs: 1 });
    counters.ok += 100;
    expect(await analysis.evaluate({ service: 's', samples: [], armedAtMs: 0, nowMs: 2 })).toMatchObject({ status: 'pass', value: 0 });
  });

  it('fails a scrape the endpoint refused, and one it does not answer in time', async () => {
    server = createServer((req, res) => (req.url === '/hang' ? undefined : res.writeHead(500).end('down')));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const refused = new MetricsAnalysis({ path: '/metrics', errors: 'e', total: 't', above: 0.05, for: '10s' }, async () => [{ id: 'r1', url }]);
    await expect(refused.evaluate({ service: 's', samples: [], armedAtMs: 0, nowMs: 1 })).rejects.toThrow('GET /metrics answered 500');
    const hanging = new MetricsAnalysis({ path: '/hang', errors: 'e', total: 't', above: 0.05, for: '10s' }, async () => [{ id: 'r1', url }]);
    const started = performance.now();
    await expect(hanging.evaluate({ service: 's', samples: [], armedAtMs: 0, nowMs: 1 })).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(3_000);
    server.closeAllConnections();
  });
});
