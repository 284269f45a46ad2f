import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { Pushgateway } from 'prom-client';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { DrillMetrics } from './drill-metrics.ts';
import type { Reporter, RunBegin } from './reporter.ts';
import type { RunResults, ScenarioResult } from '../verdict/results.ts';

export interface PrometheusReporterOptions {
  outputDir: string;
  /** Pushgateway base URL: the run's metrics are pushed there at the end (job `drillbit`, grouping `run_id`). */
  pushgateway?: string;
  /** Serve live metrics on 127.0.0.1:<port>/metrics while the run lasts. */
  metricsPort?: number;
}

const PUSH_TIMEOUT_MS = 10_000;

/**
 * `--reporter prom`: `<output>/metrics.prom` (rewritten as each attempt ends), optionally
 * served live during the run and pushed to a Pushgateway at the end. A push that fails is
 * a reporter failure: logged, and the drill's verdict and exit code are untouched.
 */
export class PrometheusReporter implements Reporter {
  readonly version = 1 as const;
  readonly metrics = new DrillMetrics();
  private server: Server | undefined;
  private runId = 'unknown';

  constructor(private readonly options: PrometheusReporterOptions) {}

  get path(): string {
    return join(this.options.outputDir, 'metrics.prom');
  }

  async onBegin(run: RunBegin): Promise<void> {
    this.runId = run.runId;
    if (this.options.metricsPort !== undefined) this.server = await serveMetrics(this.metrics, this.options.metricsPort);
  }

  onScenarioBegin(): void {
    this.metrics.scenarioBegan();
  }

  async onScenarioEnd(result: ScenarioResult, run: RunResults): Promise<void> {
    this.metrics.runSeen(run);
    this.metrics.scenarioEnded(result);
    await writeFileAtomic(this.path, await this.metrics.text());
  }

  async onEnd(run: RunResults): Promise<void> {
    try {
      this.metrics.runSeen(run);
      await writeFileAtomic(this.path, await this.metrics.text());
      if (this.options.pushgateway) await this.push(this.options.pushgateway, run.runId || this.runId);
    } finally {
      await this.close();
    }
  }

  /** Stops serving live metrics; idempotent. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async push(url: string, runId: string): Promise<void> {
    const gateway = new Pushgateway(url, { timeout: PUSH_TIMEOUT_MS }, this.metrics.registry);
    try {
      await gateway.push({ jobName: 'drillbit', groupings: { run_id: runId } });
    } catch (error) {
      throw new Error(`push to the Pushgateway at ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Loopback only: live metrics are for a local Prometheus or a person, not the network. */
async function serveMetrics(metrics: DrillMetrics, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('drillbit serves /metrics only\n');
      return;
    }
    metrics.text().then(
      (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  // Never the reason a finished (or crashed) run's process stays alive.
  server.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new Error(`--metrics-port ${port}: cannot listen on 127.0.0.1:${port}: ${error.code ?? error.message}`)));
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}
