import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './drill-harness.ts';

/** The Jenkins JUnit schema (test/fixtures/junit/README.md). */
export const junitXsd = join(projectRoot, 'test/fixtures/junit/jenkins-junit.xsd');

/** `xmllint --schema` (Debian's libxml2-utils): a real validator, not a regex. */
export function validateJunit(file: string): { ok: boolean; output: string } {
  const result = spawnSync('xmllint', ['--noout', '--schema', junitXsd, file], { encoding: 'utf8' });
  if (result.error) throw new Error(`xmllint is needed (apt-get install libxml2-utils): ${result.error.message}`);
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/** Evaluates an XPath expression with xmllint, as a parser reads the document (entities decoded). */
export function xpath(file: string, expression: string): string {
  const result = spawnSync('xmllint', ['--xpath', expression, file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`xmllint --xpath ${expression}: ${result.stderr}`);
  return result.stdout.replace(/\n$/, ''); // xmllint ends its answer with a newline
}
