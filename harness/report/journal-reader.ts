import type { CheckResult, CheckStatus } from '../checks/check-result.ts';
import type { TimelineEvent } from '../runner/timeline.ts';
import { findDetection } from '../verdict/recovery.ts';
import { summarizeRun, type Recovery, type RunResults, type ScenarioResult, type ScenarioStatus } from '../verdict/results.ts';

/** A run rebuilt from `journal.ndjson`, with one warning per line that could not be read. */
export interface JournalRun {
  run: RunResults;
  warnings: string[];
  /** Attempts that never reached `scenario-end`: marked aborted. */
  unfinished: number;
}

interface AttemptDraft {
  name: string;
  file: string;
  attempt: number;
  startedAt: string;
  events: TimelineEvent[];
  end?: { status: ScenarioStatus; reasons: string[] };
}

type JournalRecord = Record<string, unknown>;

const STATUSES = new Set<ScenarioStatus>(['passed', 'failed', 'errored', 'aborted']);

/**
 * Rebuilds per-scenario timelines, checks and verdicts from the journal (JournalWriter's
 * records). A line that is cut off (the run was killed mid-write) or corrupt is skipped
 * with a warning naming the file and line; everything else is still used.
 */
export function readJournal(text: string, file: string): JournalRun {
  const warnings: string[] = [];
  const records = parseLines(text, file, warnings);
  const begin = records.find((r) => r.type === 'run-begin' && r.scenario === undefined);
  const end = records.find((r) => r.type === 'run-end' && r.scenario === undefined);
  if (!begin) warnings.push(`${file}: no run-begin record: run id, driver and seed are unknown`);
  const attempts = new Map<string, AttemptDraft>();
  const draft = (name: string, attempt: number, fields: Partial<AttemptDraft> = {}) => {
    const key = `${name}#${attempt}`;
    if (!attempts.has(key)) attempts.set(key, { name, attempt, file: '', startedAt: '', events: [], ...fields });
    return attempts.get(key)!;
  };
  for (const a of Array.isArray(begin?.attempts) ? (begin.attempts as JournalRecord[]) : []) draft(String(a.name), Number(a.attempt), { file: String(a.file ?? '') });
  for (const r of records) applyRecord(r, draft);
  const drafts = [...attempts.values()];
  const scenarios = drafts.map(toResult);
  const run: RunResults = {
    runId: typeof begin?.runId === 'string' ? begin.runId : 'unknown',
    startedAt: typeof begin?.at === 'string' ? begin.at : '',
    ...(typeof end?.at === 'string' ? { finishedAt: end.at } : {}),
    driver: typeof begin?.driver === 'string' ? begin.driver : 'unknown',
    seed: typeof begin?.seed === 'number' ? begin.seed : Number.NaN,
    drillbitVersion: '',
    aborted: end ? end.aborted === true : true,
    summary: summarizeRun(scenarios),
    scenarios,
  };
  return { run, warnings, unfinished: drafts.filter((d) => !d.end).length };
}

function parseLines(text: string, file: string, warnings: string[]): JournalRecord[] {
  const lines = text.split('\n');
  const records: JournalRecord[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const last = index === lines.length - 1; // no newline after it: the write was cut off
    try {
      const value: unknown = JSON.parse(line);
      if (value && typeof value === 'object' && !Array.isArray(value)) return void records.push(value as JournalRecord);
      warnings.push(`${file}:${index + 1}: not a journal record (a JSON ${Array.isArray(value) ? 'array' : typeof value}); skipped`);
    } catch (error) {
      const what = last ? 'truncated line (the run was killed while writing it)' : 'corrupt line';
      warnings.push(`${file}:${index + 1}: ${what}, skipped: ${(error as Error).message.replace(/, ".*" is not valid JSON$/s, '')}`);
    }
  });
  return records;
}

function applyRecord(r: JournalRecord, draft: (name: string, attempt: number, fields?: Partial<AttemptDraft>) => AttemptDraft): void {
  if (typeof r.scenario !== 'string' || typeof r.attempt !== 'number') return;
  const d = draft(r.scenario, r.attempt);
  if (r.type === 'scenario-begin') {
    d.startedAt = typeof r.at === 'string' ? r.at : d.startedAt;
    d.file = typeof r.file === 'string' ? r.file : d.file;
  } else if (r.type === 'scenario-end') {
    const status = STATUSES.has(r.status as ScenarioStatus) ? (r.status as ScenarioStatus) : 'errored';
    d.end = { status, reasons: Array.isArray(r.reasons) ? r.reasons.map(String) : [] };
  } else if (typeof r.tMs === 'number' && typeof r.type === 'string') {
    const { scenario: _s, attempt: _a, ...event } = r;
    d.events.push(event as TimelineEvent);
  }
}

const UNFINISHED = 'unfinished: the run stopped before this attempt ended';
const NEVER_STARTED = 'never started: the run stopped before this attempt began';

function toResult(d: AttemptDraft): ScenarioResult {
  const events = [...d.events].sort((a, b) => a.tMs - b.tMs);
  const checks = checksFrom(events);
  const started = events.length > 0 || d.startedAt !== '';
  const status: ScenarioStatus = d.end?.status ?? 'aborted';
  const reasons = d.end?.reasons ?? [
    `${started ? UNFINISHED : NEVER_STARTED} (rebuilt from the journal)`,
    ...checks.filter((c) => c.status !== 'passed').map((c) => `${c.name}: ${c.message}`),
  ];
  return {
    name: d.name,
    file: d.file,
    attempt: d.attempt,
    seed: Number(events.find((e) => e.type === 'run-start')?.seed ?? Number.NaN),
    status,
    reasons,
    startedAt: d.startedAt,
    durationMs: Math.round(events.at(-1)?.tMs ?? 0),
    recovery: recoveryFrom(events),
    lkg: {},
    slis: { availability: null, p50Ms: null, p95Ms: null, p99Ms: null, maxMs: null, requests: 0, errors: 0, dropped: 0 },
    data: { acked: 0, lost: 0, lostIds: [], unexpected: 0, recovered: 0, indeterminate: 0, readBack: false, readBackError: 'not in the journal' },
    checks,
    timeline: events,
    faults: [],
    faultPlan: [],
    series: [],
    teardownFailures: [],
    workDir: '',
  };
}

function checksFrom(events: readonly TimelineEvent[]): CheckResult[] {
  return events
    .filter((e) => e.type === 'check')
    .map((e) => ({ name: String(e.name ?? 'check'), status: (['passed', 'failed', 'unknown'].includes(String(e.status)) ? e.status : 'unknown') as CheckStatus, message: String(e.message ?? ''), tMs: e.tMs }));
}

/** Detection and restore instants are events; ttd needs traffic samples and the RTO the scenario, neither journaled. */
function recoveryFrom(events: readonly TimelineEvent[]): Recovery {
  const detection = findDetection(events);
  const unknownRto = Number.NaN;
  if (!detection) return { ttdMs: null, ttrMs: null, rtoMs: unknownRto, withinSlo: null };
  const restored = events.find((e) => e.type === 'restored' && e.tMs >= detection.tMs);
  const restoredMs = restored ? Math.max(Number(restored.atMs ?? restored.tMs), detection.tMs) : undefined;
  return {
    ttdMs: null,
    ttrMs: restoredMs === undefined ? null : Math.round(restoredMs - detection.tMs),
    rtoMs: unknownRto,
    withinSlo: null,
    detection: detection.type === 'guard' ? 'guard' : detection.type === 'deploy-rejected' ? 'deploy-rejected' : 'planned-rollback',
    detectedMs: Math.round(detection.tMs),
    ...(restoredMs === undefined ? {} : { restoredMs: Math.round(restoredMs) }),
  };
}
