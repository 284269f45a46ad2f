import { errorMessage } from '../errors.ts';
import type { Logger } from '../runner/logger.ts';
import type { AttemptIdentity, AttemptProgress, Reporter, RunBegin } from './reporter.ts';
import type { TimelineEvent } from '../runner/timeline.ts';
import type { RunResults, ScenarioResult } from '../verdict/results.ts';

/** Fans every hook out to each reporter; a reporter that throws is logged and the others go on. */
export class ReporterMultiplexer implements Reporter {
  readonly version = 1 as const;
  readonly failures: { reporter: string; hook: string; error: string }[] = [];

  constructor(
    private readonly reporters: ReadonlyArray<{ name: string; reporter: Reporter }>,
    private readonly log: Logger,
  ) {}

  async onBegin(run: RunBegin): Promise<void> {
    await this.each('onBegin', (r) => r.onBegin?.(run));
  }

  async onScenarioBegin(attempt: AttemptIdentity): Promise<void> {
    await this.each('onScenarioBegin', (r) => r.onScenarioBegin?.(attempt));
  }

  onEvent(attempt: AttemptIdentity, event: TimelineEvent): void {
    this.eachNow('onEvent', (r) => r.onEvent?.(attempt, event));
  }

  onProgress(attempt: AttemptIdentity, progress: AttemptProgress): void {
    this.eachNow('onProgress', (r) => r.onProgress?.(attempt, progress));
  }

  async onScenarioEnd(result: ScenarioResult, run: RunResults): Promise<void> {
    await this.each('onScenarioEnd', (r) => r.onScenarioEnd?.(result, run));
  }

  async onEnd(run: RunResults): Promise<void> {
    await this.each('onEnd', (r) => r.onEnd?.(run));
  }

  /** For the synchronous hooks, which fire while a drill runs. */
  private eachNow(hook: string, call: (reporter: Reporter) => void): void {
    for (const { name, reporter } of this.reporters) {
      try {
        call(reporter);
      } catch (error) {
        this.record(name, hook, error);
      }
    }
  }

  private async each(hook: string, call: (reporter: Reporter) => void | Promise<void>): Promise<void> {
    for (const { name, reporter } of this.reporters) {
      try {
        await call(reporter);
      } catch (error) {
        this.record(name, hook, error);
      }
    }
  }

  private record(reporter: string, hook: string, error: unknown): void {
    this.failures.push({ reporter, hook, error: errorMessage(error) });
    this.log.warn(`reporter ${reporter} failed in ${hook}: ${errorMessage(error)}`);
  }
}
