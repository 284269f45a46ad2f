import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AttemptIdentity, Reporter, RunBegin } from './reporter.ts';
import { redact } from '../secrets/redaction.ts';
import type { TimelineEvent } from '../runner/timeline.ts';
import type { RunResults, ScenarioResult } from '../verdict/results.ts';

/**
 * `journal.ndjson`: one event a line, written with a synchronous write as it happens,
 * so a run killed at any moment leaves a journal `drillbit report` can still render.
 */
export class JournalWriter implements Reporter {
  readonly version = 1 as const;
  private fd: number | undefined;

  constructor(private readonly path: string) {}

  onBegin(run: RunBegin): void {
    mkdirSync(dirname(this.path), { recursive: true });
    this.fd = openSync(this.path, 'a');
    this.write({ type: 'run-begin', runId: run.runId, driver: run.driver, seed: run.seed, at: new Date().toISOString(), attempts: run.attempts });
  }

  onScenarioBegin(attempt: AttemptIdentity): void {
    this.write({ type: 'scenario-begin', scenario: attempt.name, file: attempt.file, attempt: attempt.attempt, at: new Date().toISOString() });
  }

  onEvent(attempt: AttemptIdentity, event: TimelineEvent): void {
    this.write({ scenario: attempt.name, attempt: attempt.attempt, ...event });
  }

  onScenarioEnd(result: ScenarioResult): void {
    this.write({ type: 'scenario-end', scenario: result.name, attempt: result.attempt, status: result.status, reasons: result.reasons });
  }

  onEnd(run: RunResults): void {
    this.write({ type: 'run-end', summary: run.summary, aborted: run.aborted, at: new Date().toISOString() });
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private write(record: Record<string, unknown>): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, `${redact(JSON.stringify(record))}\n`);
  }
}
