import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { badInput } from '../errors.ts';
import { summarizeRun, type RunResults } from '../verdict/results.ts';
import type { ReportNotice } from './html-report.ts';
import { interpretResults } from './results-reader.ts';
import { readJournal } from './journal-reader.ts';

/** A run read from its output directory, with everything the reader of the report must be told. */
export interface LoadedRun {
  dir: string;
  run: RunResults;
  /** The files the report was built from. */
  source: string;
  /** Set when the report shows less than a finished run. */
  incomplete?: string;
  notices: ReportNotice[];
  /** Bad input that still let something render (a corrupt results.json with a journal to fall back on): exit 2. */
  errors: string[];
}

/**
 * `results.json` when it is there and sound; the journal when it is not (a killed run);
 * both when results.json stops short (killed after some scenarios finished).
 */
export function loadRunDirectory(dir: string): LoadedRun {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw badInput(`${dir}: no such directory`, 'pass the --output directory of a drillbit run (default reports/<runId>/)');
  const resultsFile = join(dir, 'results.json');
  const journalFile = join(dir, 'journal.ndjson');
  const hasJournal = existsSync(journalFile);
  if (!existsSync(resultsFile)) {
    if (!hasJournal) throw badInput(`${dir}: neither results.json nor journal.ndjson is there`, 'pass the --output directory of a drillbit run (default reports/<runId>/)');
    return fromJournal(dir, journalFile);
  }
  const read = interpretResults(resultsFile, readFileSync(resultsFile, 'utf8'));
  if (!read.run) throw badInput(read.problems.join('; '), hasJournal ? undefined : 'there is no journal.ndjson to rebuild the run from either; rerun the drill');
  if (read.problems.length) return damagedResults(dir, read.run, read.problems, resultsFile, hasJournal ? journalFile : undefined);
  const run = read.run;
  if (run.finishedAt || !hasJournal) {
    const incomplete = run.aborted ? 'incomplete: the run was interrupted before every scenario finished' : !run.finishedAt ? 'incomplete: results.json has no finishedAt (the run stopped early)' : undefined;
    return { dir, run, source: resultsFile, ...(incomplete ? { incomplete } : {}), notices: [], errors: [] };
  }
  return withJournalTail(dir, run, resultsFile, journalFile);
}

/** A truncated or corrupt results.json: its problems are errors (exit 2); what it held before the damage, and the journal, still render. */
function damagedResults(dir: string, salvaged: RunResults, problems: string[], resultsFile: string, journalFile: string | undefined): LoadedRun {
  const errors = problems;
  const notices = errors.map((text) => ({ level: 'error' as const, text }));
  if (journalFile) {
    const merged = withJournalTail(dir, salvaged, resultsFile, journalFile);
    const kept = salvaged.scenarios.length;
    return { ...merged, incomplete: `incomplete: results.json is damaged; ${kept} attempt${kept === 1 ? '' : 's'} read from it, the rest rebuilt from the journal`, notices: [...notices, ...merged.notices], errors };
  }
  const n = salvaged.scenarios.length;
  return { dir, run: salvaged, source: resultsFile, incomplete: `incomplete: results.json is damaged and there is no journal; ${n} attempt${n === 1 ? '' : 's'} read before the damage`, notices, errors };
}

function fromJournal(dir: string, journalFile: string): LoadedRun {
  const { run, warnings, unfinished } = readJournal(readFileSync(journalFile, 'utf8'), journalFile);
  const marked = unfinished ? `, ${unfinished} unfinished attempt${unfinished === 1 ? '' : 's'} marked aborted` : '';
  const killed = run.finishedAt ? '' : `; the run was killed${marked}`;
  const incomplete = `incomplete: rebuilt from the journal (no results.json${killed}); the journal has events only: no per-second traffic, SLIs or data counts`;
  return { dir, run, source: journalFile, incomplete, notices: warnings.map((text) => ({ level: 'warning' as const, text })), errors: [] };
}

/** results.json holds the attempts that finished; the journal adds the one that was running and those never begun. */
function withJournalTail(dir: string, run: RunResults, resultsFile: string, journalFile: string): LoadedRun {
  const journal = readJournal(readFileSync(journalFile, 'utf8'), journalFile);
  const done = new Set(run.scenarios.map((s) => `${s.name}#${s.attempt}`));
  const rest = journal.run.scenarios.filter((s) => !done.has(`${s.name}#${s.attempt}`));
  const scenarios = [...run.scenarios, ...rest];
  // A results.json damaged before its header was read knows less about the run than the journal does.
  const header = run.runId === 'unknown' ? { runId: journal.run.runId, startedAt: journal.run.startedAt, driver: journal.run.driver, seed: journal.run.seed } : {};
  const finishedAt = run.finishedAt ?? journal.run.finishedAt;
  return {
    dir,
    run: { ...run, ...header, ...(finishedAt ? { finishedAt } : {}), aborted: run.aborted || journal.run.aborted, scenarios, summary: summarizeRun(scenarios) },
    source: `${resultsFile} + ${journalFile}`,
    incomplete: `incomplete: the run stopped early; ${rest.length} attempt${rest.length === 1 ? '' : 's'} rebuilt from the journal`,
    notices: journal.warnings.map((text) => ({ level: 'warning' as const, text })),
    errors: [],
  };
}
