/** One thing wrong with a scenario, located by file and field path. */
export interface Problem {
  file: string;
  /** Dotted path with indexes, e.g. `steps[3].for`; empty for the whole file. */
  path: string;
  message: string;
}

export function formatProblem(problem: Problem): string {
  return problem.path ? `${problem.file}: ${problem.path}: ${problem.message}` : `${problem.file}: ${problem.message}`;
}

/** `["steps", 3, "for"]` → `steps[3].for`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
