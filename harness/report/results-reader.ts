import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { errorMessage } from '../errors.ts';
import type { RunResults, ScenarioResult } from '../verdict/results.ts';
import { summarizeRun } from '../verdict/results.ts';
import { parseJsonSalvaging } from './json-salvage.ts';

/** One results.json as read: the run (possibly partial), and what was wrong with the file. */
export interface ResultsSource {
  /** The results.json path as given (a directory argument gets `/results.json`). */
  path: string;
  /** Undefined when nothing could be read (missing file, not a results object). */
  run?: RunResults;
  /** True when the file was read whole and every scenario has the fields a verdict needs. */
  complete: boolean;
  /** Problems for a person: each names the file and, where it applies, the line and column. */
  problems: string[];
}

/** The fields a gate or a merge cannot do without; the rest of a scenario is carried along as it is. */
const scenarioCore = z.looseObject({
  name: z.string(),
  file: z.string(),
  attempt: z.number().int().min(1),
  status: z.enum(['passed', 'failed', 'errored', 'aborted']),
});

/** Reads `<dir>/results.json` (or a results.json path): a missing, truncated or corrupt file never throws. */
export async function readResultsSource(dirOrFile: string): Promise<ResultsSource> {
  const kind = await fileKind(dirOrFile);
  const path = kind === 'directory' || (kind === 'missing' && !dirOrFile.endsWith('.json')) ? join(dirOrFile, 'results.json') : dirOrFile;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { path, complete: false, problems: [`${path}: ${missing ? 'no such file (was the run killed before it wrote results? its journal.ndjson is then the record)' : errorMessage(error)}`] };
  }
  return interpretResults(path, text);
}

export function interpretResults(path: string, text: string): ResultsSource {
  const { value, problem } = parseJsonSalvaging(text);
  const problems: string[] = [];
  if (problem) problems.push(`${path}: line ${problem.line}, column ${problem.column}: ${problem.message} (truncated or corrupt; what came before it was read)`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: not a drillbit results object${value === undefined ? '' : ` (found ${Array.isArray(value) ? 'an array' : typeof value})`}`);
    return { path, complete: false, problems };
  }
  const raw = value as Record<string, unknown>;
  if (!Array.isArray(raw.scenarios)) problems.push(`${path}: scenarios: ${raw.scenarios === undefined ? 'missing' : 'expected an array'}`);
  const scenarios: ScenarioResult[] = [];
  for (const [i, scenario] of (Array.isArray(raw.scenarios) ? raw.scenarios : []).entries()) {
    const parsed = scenarioCore.safeParse(scenario);
    if (parsed.success) scenarios.push(parsed.data as unknown as ScenarioResult);
    else problems.push(`${path}: scenarios[${i}]: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(scenario)'}: ${issue.message}`).join('; ')}`);
  }
  const run: RunResults = {
    ...(raw as Partial<RunResults>),
    runId: typeof raw.runId === 'string' ? raw.runId : 'unknown',
    startedAt: typeof raw.startedAt === 'string' ? raw.startedAt : new Date(0).toISOString(),
    driver: typeof raw.driver === 'string' ? raw.driver : 'unknown',
    seed: typeof raw.seed === 'number' ? raw.seed : 0,
    drillbitVersion: typeof raw.drillbitVersion === 'string' ? raw.drillbitVersion : 'unknown',
    aborted: raw.aborted === true,
    scenarios,
    summary: summarizeRun(scenarios),
  };
  return { path, run, complete: problems.length === 0, problems };
}

async function fileKind(path: string): Promise<'directory' | 'file' | 'missing'> {
  const info = await stat(path).catch(() => undefined);
  return !info ? 'missing' : info.isDirectory() ? 'directory' : 'file';
}
