import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { drillbitInProcess } from './cli-in-process.ts';
import { projectRoot } from './drill-harness.ts';

/**
 * What the README promises a newcomer (issue 15 §3): its by-hand path works as written, and
 * every link in it and in docs/ leads somewhere. The init path is held to the README by
 * harness/cli/init-command.test.ts and test/install-from-tarball.test.ts.
 */
const README = readFileSync(join(projectRoot, 'README.md'), 'utf8');

function section(text: string, heading: string): string {
  const start = text.indexOf(heading);
  if (start < 0) throw new Error(`the README has no "${heading}"`);
  const next = text.slice(start + heading.length).search(/\n#{2,3} /);
  return next < 0 ? text.slice(start) : text.slice(start, start + heading.length + next);
}

function block(text: string, language: string, index = 0): string {
  const blocks = [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
  if (!blocks[index]) throw new Error(`no ${language} block ${index}`);
  return blocks[index];
}

/** A user's server: the port and data folder from the env its release.json names; orders kept in that folder. */
const SERVER = `import { createServer } from 'node:http';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
const file = join(process.env.DATA_DIR, 'orders.ndjson');
const orders = () => (existsSync(file) ? readFileSync(file, 'utf8').split('\\n').filter(Boolean).map((line) => JSON.parse(line)) : []);
const json = (res, status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
createServer((req, res) => {
  if (req.url === '/healthz') return json(res, 200, { ok: true });
  if (req.url === '/orders' && req.method === 'GET') return json(res, 200, orders());
  if (req.url === '/orders' && req.method === 'POST') {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => { const { id } = JSON.parse(body); appendFileSync(file, JSON.stringify({ id }) + '\\n'); json(res, 201, { id }); });
    return;
  }
  json(res, 404, { error: 'not found' });
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the README', () => {
  it('"By hand, in five minutes": its release.json and YAML scenario, run as it says, pass; the report renders', async () => {
    const byHand = section(README, '### By hand, in five minutes');
    const project = mkdtempSync(join(tmpdir(), 'drillbit-readme-'));
    dirs.push(project);
    const manifest = JSON.parse(block(byHand, 'json')) as { version: string };
    for (const [release, version] of [['v1', manifest.version], ['v2', '2.0.0']] as const) {
      mkdirSync(join(project, 'releases/shop', release), { recursive: true });
      writeFileSync(join(project, 'releases/shop', release, 'release.json'), JSON.stringify({ ...manifest, version }, null, 2));
      writeFileSync(join(project, 'releases/shop', release, 'server.mjs'), SERVER);
    }
    mkdirSync(join(project, 'scenarios'));
    writeFileSync(join(project, 'scenarios/shop-rollback.drill.yaml'), block(byHand, 'yaml'));
    const commands = block(byHand, 'sh').split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter(Boolean);
    expect(commands.map((c) => c.split(' ').slice(0, 3).join(' '))).toEqual(['npx drillbit validate', 'npx drillbit run', 'npx drillbit report']);
    const run = (command: string) => drillbitInProcess(command.replace(/^npx drillbit /, '').split(' ').filter((word) => word !== '--open'), { cwd: project });

    const validate = await run(commands[0]!);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    const drill = await run(commands[1]!);
    expect(drill.code, drill.stdout + drill.stderr).toBe(0);
    expect(drill.stdout).toMatch(/✔ shop rolls back from v2 to v1 and keeps every order #1 passed/);
    expect(drill.stdout).toMatch(/^ {4}✓ no acknowledged write lost +≤ 0 lost +0 of [1-9]\d* acked lost$/m);
    expect(drill.stdout).toMatch(/^ {4}✓ restored within RTO 5\.00s/m);
    expect(existsSync(join(project, 'reports/shop/report.html'))).toBe(true);
    const report = await run(commands[2]!);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain('report: reports/shop/report.html (1/1 passed)');
  }, 120_000);

  it('every relative link in the README and docs/ leads to a file, and every #anchor to a heading there', () => {
    const files = ['README.md', ...readdirSync(join(projectRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(projectRoot, file), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [path, anchor] = target!.split('#') as [string, string | undefined];
        const resolved = path ? join(dirname(join(projectRoot, file)), path) : join(projectRoot, file);
        if (!existsSync(resolved)) {
          broken.push(`${file}: ${target} (no ${relative(projectRoot, resolved)})`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && !headingSlugs(readFileSync(resolved, 'utf8')).has(anchor)) broken.push(`${file}: ${target} (no heading #${anchor})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('never sends a user to a file their copy does not have (the project\'s design notes live outside it)', () => {
    expect(README).not.toMatch(/\.\.\/shared\//);
    expect(README).not.toMatch(/DESIGN\.md/);
  });

  it('starts with exactly the two commands, then the own-service path, then a table of contents', () => {
    expect(block(README, 'sh').trim().split('\n')).toEqual([
      'npm ci && npx drillbit run scenarios/   # run the example rollback drills on the local driver (no Docker needed)',
      'npm test                                # run the test suite',
    ]);
    const headings = [...README.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings.slice(0, 3)).toEqual(['Drill your own service', 'Contents', 'A scenario']);
  });
});

/** GitHub's heading anchors: lower case, punctuation but hyphens dropped, spaces to hyphens. */
function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  for (const [, heading] of markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6} (.+)$/gm)) {
    slugs.add(heading!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-'));
  }
  return slugs;
}
