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
});
