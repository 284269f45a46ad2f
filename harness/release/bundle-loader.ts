import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import type { z } from 'zod';
import { DrillbitError } from '../errors.ts';
import { releaseManifestSchema, type ReleaseManifest } from './release-manifest.ts';
import { fieldsAt, issueText } from '../util/issue-text.ts';
import { didYouMeanNote } from '../util/did-you-mean.ts';

const MANIFEST_FILE = 'release.json';
const BUNDLE_HINT = 'a release bundle is a directory with a release.json: {"service", "version", "command", "env", "health"} (DESIGN.md §3)';

/**
 * Reads and validates `<bundleDir>/release.json`. Every problem is reported at once,
 * each with the file and the field (`fixtures/shop/v9/release.json: command: …`).
 */
export async function loadReleaseManifest(bundleDir: string): Promise<ReleaseManifest> {
  await assertDirectory(bundleDir);
  const file = join(bundleDir, MANIFEST_FILE);
  const shown = displayPath(file);
  const text = await readManifestText(file, shown);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DrillbitError('bad-input', `${shown}: not valid JSON: ${(error as Error).message}`, { hint: BUNDLE_HINT });
  }
  const parsed = releaseManifestSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = formatIssues(parsed.error.issues, raw, releaseManifestSchema).map((problem) => `${shown}: ${problem}`);
  throw new DrillbitError('bad-input', problems.join('\n'), { hint: BUNDLE_HINT });
}

/** `field: message` for every issue; unknown keys are named one by one. */
/** Each issue as `path: what is wrong` in Drillbit's words (scenario/issue-text.ts); `root` and `schema` give values and "did you mean". */
export function formatIssues(issues: readonly z.core.$ZodIssue[], root?: unknown, schema?: z.core.$ZodType): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const known = schema ? fieldsAt(schema, issue.path, root) : [];
      return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown field${didYouMeanNote(key, known)}`);
    }
    return [`${formatPath(issue.path) || '(root)'}: ${issueText(issue, root, schema)}`];
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    return out ? `${out}.${name}` : name;
  }, '');
}

async function assertDirectory(dir: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch {
    throw new DrillbitError('bad-input', `release bundle not found: ${displayPath(dir)}`, { hint: BUNDLE_HINT });
  }
  if (!isDirectory) throw new DrillbitError('bad-input', `release bundle is not a directory: ${displayPath(dir)}`, { hint: BUNDLE_HINT });
}

async function readManifestText(file: string, shown: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'missing' : `unreadable (${code ?? (error as Error).message})`;
    throw new DrillbitError('bad-input', `${shown}: ${reason}`, { hint: BUNDLE_HINT });
  }
}

/** Relative to the working directory when under it, as compilers print paths; absolute otherwise. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
