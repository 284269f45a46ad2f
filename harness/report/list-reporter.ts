import pc from 'picocolors';
import type { AttemptIdentity, Reporter, RunBegin } from './reporter.ts';
import type { TimelineEvent } from '../runner/timeline.ts';
import type { HarnessReport, RunResults, ScenarioResult } from '../verdict/results.ts';
import { formatMs } from '../util/duration.ts';
import { short } from '../checks/lkg-equality-check.ts';
import { describeParallel } from '../runner/parallel-default.ts';

/** Event types worth a line of their own while a drill runs. */
const NOTEWORTHY = new Set(['deploy', 'deploy-rejected', 'guard', 'rollback', 'restored', 'error', 'replica-exit', 'fault', 'revert']);

export interface ListReporterOptions {
  write: (text: string) => void;
  /** On a TTY a status line shows progress in place; in CI every line is plain and final. */
  tty: boolean;
  outputDir: string;
}

/** The console: progress while drills run, then a verdict per attempt with its reasons and numbers. */
export class ListReporter implements Reporter {
  readonly version = 1 as const;
  private readonly running = new Map<string, string>();
  private statusShown = false;

  constructor(private readonly options: ListReporterOptions) {}

  onBegin(run: RunBegin): void {
    const parallel = run.parallel && run.attempts.length > 1 ? ` · ${describeParallel(run.parallel, run.attempts.length)}` : '';
    this.line(pc.bold(`drillbit run ${run.runId}`) + pc.dim(` · driver ${run.driver} · seed ${run.seed} · ${run.attempts.length} attempt${run.attempts.length === 1 ? '' : 's'}${parallel}`));
    for (const skipped of run.skipped ?? []) this.line(pc.yellow(`- skipped ${skipped.name}`) + pc.dim(` (${skipped.file}): ${skipped.reason}`));
  }

  onScenarioBegin(attempt: AttemptIdentity): void {
    this.running.set(key(attempt), 'starting');
    if (!this.options.tty) this.line(`${pc.cyan('▸')} ${label(attempt)}`);
    this.status();
  }

  onEvent(attempt: AttemptIdentity, event: TimelineEvent): void {
    if (event.type === 'step-start' && typeof event.message === 'string') this.running.set(key(attempt), event.message);
    if (NOTEWORTHY.has(event.type) || (event.type === 'check' && event.status !== 'passed')) {
      this.line(pc.dim(`    ${label(attempt)} ${formatMs(event.tMs).padStart(7)} `) + describeEvent(event));
    }
    this.status();
  }

  onScenarioEnd(result: ScenarioResult): void {
    this.running.delete(key(result));
    this.line(verdictLine(result));
    for (const reason of result.reasons) this.line(pc.red(`      ${reason}`));
    this.status();
  }

  onEnd(run: RunResults): void {
    const { summary } = run;
    const parts = [`${summary.passed} passed`, `${summary.failed} failed`];
    if (summary.errored) parts.push(`${summary.errored} errored`);
    if (summary.aborted || run.aborted) parts.push(`${summary.aborted} aborted`);
    const colour = summary.passed === summary.total && !run.aborted ? pc.green : pc.red;
    this.line(colour(`\n${parts.join(', ')} (pass rate ${(summary.passRate * 100).toFixed(1)}%)`) + pc.dim(` · results: ${this.options.outputDir}/results.json`));
  }

  private line(text: string): void {
    this.clearStatus();
    this.options.write(`${text}\n`);
  }

  private status(): void {
    if (!this.options.tty || this.running.size === 0) return this.clearStatus();
    const text = [...this.running].map(([name, step]) => `${name}: ${step}`).join(' | ');
    this.options.write(`\r\x1b[2K${pc.dim(text.slice(0, (process.stdout.columns ?? 120) - 1))}`);
    this.statusShown = true;
  }

  private clearStatus(): void {
    if (!this.statusShown) return;
    this.options.write('\r\x1b[2K');
    this.statusShown = false;
  }
}

function key(a: { name: string; attempt: number }): string {
  return `${a.name}#${a.attempt}`;
}

function label(a: { name: string; attempt: number }): string {
  return `${a.name} #${a.attempt}`;
}

function describeEvent(e: TimelineEvent): string {
  const where = [e.service, e.release].filter(Boolean).join('@');
  switch (e.type) {
    case 'deploy':
      return `deployed ${where} ${pc.dim(short(e.digest))}`;
    case 'deploy-rejected':
      return pc.yellow(`rejected ${where}: ${e.message}`);
    case 'guard':
      return pc.yellow(`guard tripped on ${e.service}: ${e.message}`);
    case 'rollback':
      return `rolled back ${where} in ${formatMs(Number(e.durationMs ?? 0))}`;
    case 'restored':
      return pc.green(`restored (LKG from ${formatMs(Number(e.atMs ?? e.tMs))})`);
    case 'check':
      return pc.red(`${e.status} ${e.name}: ${e.message}`);
    case 'fault':
      return pc.magenta(`fault ${e.faultId} ${e.fault} on ${e.target}${e.message ? `: ${e.message}` : ''}`);
    case 'revert':
      return `reverted ${e.faultId} ${e.fault} on ${e.target}`;
    default:
      return `${e.type}${where ? ` ${where}` : ''}${e.message ? `: ${e.message}` : ''}`;
  }
}

function verdictLine(r: ScenarioResult): string {
  const mark = r.status === 'passed' ? pc.green('✔') : r.status === 'aborted' ? pc.yellow('■') : pc.red('✘');
  const numbers: string[] = [formatMs(r.durationMs)];
  if (r.recovery.ttdMs !== null) numbers.push(`ttd ${formatMs(r.recovery.ttdMs)}`);
  if (r.recovery.ttrMs !== null) numbers.push(`ttr ${formatMs(r.recovery.ttrMs)} / RTO ${formatMs(r.recovery.rtoMs)}`);
  if (r.slis.requests) numbers.push(`${r.slis.requests} req, availability ${((r.slis.availability ?? 0) * 100).toFixed(2)}%, p95 ${formatMs(r.slis.p95Ms ?? 0)}`);
  if (r.data.acked) numbers.push(`${r.data.acked} acked writes, ${r.data.lost} lost`);
  const harness = harnessNote(r.harness);
  return `${mark} ${label(r)} ${statusText(r.status)} ${pc.dim(numbers.join(' · '))}${harness ? pc.yellow(` · ${harness}`) : ''}`;
}

/** Lateness the harness shows without comment: timer jitter and scheduling on a busy but healthy machine. */
const NOTABLE_LATENESS_MS = 50;

/** The harness's own health, only when it matters: a check it made unknown, dropped arrivals, or notable lateness. */
export function harnessNote(h: HarnessReport | undefined): string | undefined {
  if (!h) return undefined;
  const late = Math.max(h.sendLagP99Ms ?? 0, h.eventLoopDelayP99Ms ?? 0) >= NOTABLE_LATENESS_MS;
  if (h.saturatedChecks.length === 0 && h.dropped === 0 && !late) return undefined;
  const parts = [`send lag p99 ${formatMs(h.sendLagP99Ms ?? 0)}`, `event-loop delay p99 ${formatMs(h.eventLoopDelayP99Ms ?? 0)}`];
  if (h.machineCpu !== null) parts.push(`machine CPU ${Math.round(h.machineCpu * 100)}%`);
  if (h.dropped) parts.push(`${h.dropped} dropped`);
  if (h.drillsAtOnce > 1) parts.push(`${h.drillsAtOnce} drills at once`);
  const what = h.saturatedChecks.length ? `harness saturated (${h.saturatedChecks.length} check${h.saturatedChecks.length === 1 ? '' : 's'} unknown)` : 'harness late';
  return `${what}: ${parts.join(', ')}`;
}

function statusText(status: ScenarioResult['status']): string {
  if (status === 'passed') return pc.green('passed');
  if (status === 'aborted') return pc.yellow('aborted');
  return pc.red(status);
}
