import { createColors } from 'picocolors';
import type { AttemptIdentity, AttemptProgress, Reporter, RunBegin } from './reporter.ts';
import type { TimelineEvent } from '../runner/timeline.ts';
import type { HarnessReport, RunResults, ScenarioResult } from '../verdict/results.ts';
import { formatMs } from '../util/duration.ts';
import { short } from '../checks/lkg-equality-check.ts';
import { describeParallel } from '../runner/parallel-default.ts';
import { sloRows } from './slo-summary.ts';

/** Event types worth a line of their own while a drill runs. Checks are not among them: their reasons come once, under the verdict. */
const NOTEWORTHY = new Set(['deploy', 'deploy-rejected', 'guard', 'rollback', 'restored', 'error', 'replica-exit', 'fault', 'revert']);

/** Without a width (not a terminal, or one that says 0), the status line is cut here. */
const DEFAULT_COLUMNS = 120;

export interface ListReporterOptions {
  write: (text: string) => void;
  /** On a TTY a status line shows live counters in place; in CI every line is plain and final. */
  tty: boolean;
  /** Colour codes in the output: off when stdout is not a TTY or NO_COLOR is set (cli/colour.ts). Default: as `tty`. */
  colour?: boolean;
  /** The terminal's width, for the status line. */
  columns?: number;
}

type Colours = ReturnType<typeof createColors>;

interface Running {
  tag: string;
  label: string;
  progress?: AttemptProgress;
}

/**
 * The console (Playwright's list reporter and k6's end-of-test summary are the anchors):
 * a line as each attempt starts, its events indented under it (tagged `[n]` when attempts
 * run at once), live counters on a TTY, a verdict per attempt with its reasons once, and
 * at the end each SLO target against what was measured, and the skipped scenarios.
 */
export class ListReporter implements Reporter {
  readonly version = 1 as const;
  private readonly pc: Colours;
  private readonly running = new Map<string, Running>();
  private readonly tags = new Map<string, string>();
  private statusShown = false;
  private parallel = false;

  constructor(private readonly options: ListReporterOptions) {
    this.pc = createColors(options.colour ?? options.tty);
  }

  onBegin(run: RunBegin): void {
    const { pc } = this;
    this.parallel = (run.parallel?.parallel ?? 1) > 1 && run.attempts.length > 1;
    run.attempts.forEach((a, i) => this.tags.set(key(a), `[${i + 1}]`));
    const parallel = run.parallel && run.attempts.length > 1 ? ` · ${describeParallel(run.parallel, run.attempts.length)}` : '';
    this.line(pc.bold(`drillbit run ${run.runId}`) + pc.dim(` · driver ${run.driver} · seed ${run.seed} · ${run.attempts.length} attempt${run.attempts.length === 1 ? '' : 's'}${parallel}`));
    for (const skipped of run.skipped ?? []) this.line(pc.yellow(`- skipped ${skipped.name}`) + pc.dim(` (${skipped.file}): ${skipped.reason}`));
  }

  onScenarioBegin(attempt: AttemptIdentity): void {
    const running = { tag: this.tags.get(key(attempt)) ?? '', label: label(attempt) };
    this.running.set(key(attempt), running);
    this.line(`${this.pc.cyan('▸')} ${this.prefix(attempt)}${running.label}`);
    this.status();
  }

  onEvent(attempt: AttemptIdentity, event: TimelineEvent): void {
    if (NOTEWORTHY.has(event.type)) this.line(`  ${this.prefix(attempt)}${this.pc.dim(formatMs(event.tMs).padStart(7))}  ${describeEvent(event, this.pc)}`);
    else this.status();
  }

  onProgress(attempt: AttemptIdentity, progress: AttemptProgress): void {
    const running = this.running.get(key(attempt));
    if (!running) return;
    running.progress = progress;
    this.status();
  }

  onScenarioEnd(result: ScenarioResult): void {
    this.running.delete(key(result));
    this.line(`${this.prefix(result)}${verdictLine(result, this.pc)}`);
    for (const reason of result.reasons) this.line(this.pc.red(`      ${reason}`));
    this.status();
  }

  onEnd(run: RunResults): void {
    const { pc } = this;
    this.clearStatus();
    const table = sloTable(run.scenarios, pc);
    if (table.length) this.line(`\n${pc.bold('SLO targets')}\n${table.join('\n')}`);
    const skipped = run.skipped ?? [];
    if (skipped.length) {
      this.line(`\n${pc.yellow(`skipped on driver ${run.driver}:`)}`);
      for (const s of skipped) this.line(pc.yellow(`  - ${s.name}`) + pc.dim(` (${s.file}): ${s.reason}`));
    }
    const { summary } = run;
    const parts = [`${summary.passed} passed`, `${summary.failed} failed`];
    if (summary.errored) parts.push(`${summary.errored} errored`);
    if (summary.aborted || run.aborted) parts.push(`${summary.aborted} aborted`);
    if (skipped.length) parts.push(`${skipped.length} skipped`);
    const colour = summary.passed === summary.total && !run.aborted ? pc.green : pc.red;
    this.line(colour(`\n${parts.join(', ')} (pass rate ${(summary.passRate * 100).toFixed(1)}%)`));
  }

  /** `[n] ` before an attempt's lines when several run at once; nothing when they come one by one. */
  private prefix(attempt: { name: string; attempt: number }): string {
    return this.parallel ? `${this.pc.dim(this.tags.get(key(attempt)) ?? '')} ` : '';
  }

  private line(text: string): void {
    this.clearStatus();
    this.options.write(`${text}\n`);
  }

  private status(): void {
    if (!this.options.tty || this.running.size === 0) return this.clearStatus();
    const text = [...this.running.values()].map((r) => statusOf(r, this.parallel)).join(' | ');
    const columns = this.options.columns || DEFAULT_COLUMNS;
    this.options.write(`\r\x1b[2K${this.pc.dim(truncate(text, columns - 1))}`);
    this.statusShown = true;
  }

  private clearStatus(): void {
    if (!this.statusShown) return;
    this.options.write('\r\x1b[2K');
    this.statusShown = false;
  }
}

/** One running attempt for the status line: its step, elapsed of how long it is set to take, and the traffic so far. */
export function statusOf(running: Running, tagged: boolean): string {
  const p = running.progress;
  const who = tagged ? running.tag : running.label;
  if (!p) return `${who}: starting`;
  const parts: string[] = [p.step ?? 'between steps'];
  if (p.stepStartedMs !== undefined) {
    const elapsed = Math.max(0, p.tMs - p.stepStartedMs);
    parts.push(p.stepBudgetMs !== undefined ? `${formatSeconds(elapsed)}/${formatSeconds(p.stepBudgetMs)}` : formatSeconds(elapsed));
  }
  parts.push(`${p.requests} req`, `${p.errors} error${p.errors === 1 ? '' : 's'}`);
  return `${who}: ${parts.join(' · ')}`;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function key(a: { name: string; attempt: number }): string {
  return `${a.name}#${a.attempt}`;
}

function label(a: { name: string; attempt: number }): string {
  return `${a.name} #${a.attempt}`;
}

function describeEvent(e: TimelineEvent, pc: Colours): string {
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
    case 'fault':
      return pc.magenta(`fault ${e.faultId} ${e.fault} on ${e.target}${e.message ? `: ${e.message}` : ''}`);
    case 'revert':
      return `reverted ${e.faultId} ${e.fault} on ${e.target}`;
    default:
      return `${e.type}${where ? ` ${where}` : ''}${e.message ? `: ${e.message}` : ''}`;
  }
}

function verdictLine(r: ScenarioResult, pc: Colours): string {
  const mark = r.status === 'passed' ? pc.green('✔') : r.status === 'aborted' ? pc.yellow('■') : pc.red('✘');
  const numbers: string[] = [formatMs(r.durationMs)];
  if (r.recovery.ttdMs !== null) numbers.push(`ttd ${formatMs(r.recovery.ttdMs)}`);
  if (r.recovery.ttrMs !== null) numbers.push(`ttr ${formatMs(r.recovery.ttrMs)} / RTO ${formatMs(r.recovery.rtoMs)}`);
  const fault = r.recovery.afterFault;
  if (fault) numbers.push(fault.recoverMs === null ? `not restored after fault ${fault.faultId}'s revert` : `recovered ${formatMs(fault.recoverMs)} after fault ${fault.faultId}'s revert (impact ${formatMs(fault.impactMs ?? 0)})`);
  if (r.slis.requests) numbers.push(`${r.slis.requests} req, availability ${((r.slis.availability ?? 0) * 100).toFixed(2)}%, p95 ${formatMs(r.slis.p95Ms ?? 0)}`);
  if (r.data.acked) numbers.push(`${r.data.acked} acked writes, ${r.data.lost} lost`);
  const harness = harnessNote(r.harness);
  return `${mark} ${label(r)} ${statusText(r.status, pc)} ${pc.dim(numbers.join(' · '))}${harness ? pc.yellow(` · ${harness}`) : ''}`;
}

/** Each attempt's SLO targets against what was measured, ✓ / ✗ / ? from the check that judged it. */
export function sloTable(results: readonly ScenarioResult[], pc: Colours = createColors(false)): string[] {
  const blocks = results.map((r) => ({ r, rows: sloRows(r) })).filter((b) => b.rows.length > 0);
  const all = blocks.flatMap((b) => b.rows);
  const width = (pick: (row: (typeof all)[number]) => string) => Math.max(...all.map((row) => pick(row).length));
  const [checkWidth, targetWidth] = [width((row) => row.check), width((row) => row.target)];
  const out: string[] = [];
  for (const { r, rows } of blocks) {
    out.push(`  ${label(r)} ${statusText(r.status, pc)}`);
    for (const row of rows) {
      const mark = row.status === 'passed' ? pc.green('✓') : row.status === 'failed' ? pc.red('✗') : pc.yellow('?');
      out.push(`    ${mark} ${row.check.padEnd(checkWidth)}  ${pc.dim(row.target.padEnd(targetWidth))}  ${row.measured}`);
    }
  }
  return out;
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

function statusText(status: ScenarioResult['status'], pc: Colours): string {
  if (status === 'passed') return pc.green('passed');
  if (status === 'aborted') return pc.yellow('aborted');
  return pc.red(status);
}
