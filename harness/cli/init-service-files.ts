import { dirname, join, posix, relative, sep } from 'node:path';
import type { ServiceInit } from './init-service.ts';

/** One file init writes: its text, or a copy of a project file or folder into a release bundle. */
export type InitFile = { path: string; text: string } | { path: string; copyOf: string };

/** The release an unhealthy candidate waits on: never served by a real service, so the rollout must reject it. */
export const NEVER_HEALTHY_PATH = '/drillbit-init-never-healthy';
const RELEASES = [
  { name: 'v1', version: '1.0.0' },
  { name: 'v2', version: '1.0.1' },
  { name: 'v2-unhealthy', version: '1.0.1-unhealthy' },
] as const;

/** Every file init writes for a service, paths relative to the project (cwd). */
export function serviceInitFiles(init: ServiceInit, scenarioFile: string): InitFile[] {
  const releasesDir = join('releases', init.service);
  const bundles: InitFile[] = init.images
    ? []
    : RELEASES.flatMap(({ name, version }) => [
        { path: join(releasesDir, name, 'release.json'), text: `${JSON.stringify(releaseManifest(init, version, name === 'v2-unhealthy'), null, 2)}\n` },
        ...init.files.map((file) => ({ path: join(releasesDir, name, file), copyOf: file })),
      ]);
  const readme = init.images ? [] : [{ path: join(releasesDir, 'README.md'), text: releasesReadme(init) }];
  return [{ path: scenarioFile, text: scenarioText(init, scenarioFile) }, ...bundles, ...readme];
}

function releaseManifest(init: ServiceInit, version: string, unhealthy: boolean) {
  const env: Record<string, string> = { [init.portEnv]: '{port}' };
  if (init.hostEnv) env[init.hostEnv] = '{host}';
  if (init.dataEnv) env[init.dataEnv] = '{dataDir}';
  const health = unhealthy ? { path: NEVER_HEALTHY_PATH, timeoutMs: 3000 } : { path: init.health, timeoutMs: 10_000 };
  return { service: init.service, version, command: init.command, env, health };
}

/** The command a user types next, as printed and as the README shows it. */
export function nextCommands(init: ServiceInit, scenarioFile: string): string[] {
  const file = scenarioFile.split(sep).join('/');
  const driver = init.compose || init.images ? ' --driver docker' : '';
  const output = `reports/${init.service}-first-drill`;
  return [
    `npx drillbit validate ${file}${driver}`,
    `npx drillbit run ${file}${driver} --output ${output}`,
    `npx drillbit gate ${output} --min-pass-rate 1 --on observed`,
    `npx drillbit report ${output}`,
  ];
}

/** `./`-relative from the scenario's folder: such paths are read relative to the scenario (README, Scenario reference). */
function fromScenario(scenarioFile: string, target: string): string {
  const path = relative(dirname(scenarioFile), target).split(sep).join(posix.sep);
  return path.startsWith('../') ? path : `./${path}`;
}

/** A key as written by hand: bare when it can be. */
function key(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : `'${name}'`;
}

function scenarioText(init: ServiceInit, scenarioFile: string): string {
  const s = `'${init.service}'`;
  const release = (name: string) => JSON.stringify(init.images ? (name === 'v1' ? init.images[0] : init.images[1]) : fromScenario(scenarioFile, join('releases', init.service, name)));
  const releases = init.images ? `{ v1: ${release('v1')}, v2: ${release('v2')} }` : `{ v1: ${release('v1')}, v2: ${release('v2')}, 'v2-unhealthy': ${release('v2-unhealthy')} }`;
  const environment = init.compose ? `\n  environment: { compose: ${JSON.stringify(fromScenario(scenarioFile, init.compose))} },` : '';
  const writes = init.writes ? `, writes: ${JSON.stringify(init.writes)}, writeShare: 0.3` : '';
  const rejected = init.images
    ? ''
    : `
  defineScenario({
    name: ${JSON.stringify(`${init.service}: an unhealthy candidate is rejected, the LKG keeps serving`)},
    // v2-unhealthy is v2 waiting on ${NEVER_HEALTHY_PATH}, a path your service does not answer:
    // it never becomes healthy, so the rollout must reject it before it takes a request.
    // Replace it with a real bad build of yours when you have one (one that crashes on boot or
    // fails its health check), or with a guard drill (README: guard.errorRate).
    ...base,
    steps: [
      deploy(${s}, 'v1'),
      steady('1s'),
      deploy(${s}, 'v2-unhealthy', { expect: 'rejected' }),
      expectRollback({ within: '5s' }),
      verifyRestored({ for: '2s' }),
    ],
  }),`;
  return `// Drills of ${s}, written by \`drillbit init\`. Run them with:
//   ${nextCommands(init, scenarioFile).slice(0, 2).join('\n//   ')}
//
// Fill in (each works as written, but drills your service better once it is yours):
// - traffic.reads: paths ${s} answers with a 2xx, requested in turn${init.reads.length === 1 && init.reads[0] === init.health ? ' (now its health path)' : ''}.
// - traffic.writes: a path taking POST {"id": "…"} answered 2xx, whose ids GET <that path>
//   lists back as a JSON array: every acknowledged write must survive the rollback${init.writes ? '' : '\n//   (none yet: `drillbit init --writes /orders` writes one)'}.
// - slo: what "restored" must meet: recovery time, availability, p95 latency, writes lost.
// - the releases: ${init.images ? 'images of your service, pinned by ID when the run starts.' : `folders holding a release.json and a copy of your service's files; see ${fromScenario(scenarioFile, join('releases', init.service, 'README.md'))}.`}
import { defineScenario, deploy, steady, rollback, expectRollback, verifyRestored } from 'drillbit';

const base = {${environment}
  services: { ${key(init.service)}: { releases: ${releases}, replicas: 1, lkg: 'v1' } },
  traffic: { target: ${s}, rate: 20, reads: ${JSON.stringify(init.reads)}${writes} },
  slo: { recoveryTime: '10s', availability: 0.99, p95: '500ms', dataLoss: 0 },
} as const;

export default [
  defineScenario({
    name: ${JSON.stringify(`${init.service}: planned rollback from v2 to v1 under load`)},
    // v1 is the last-known-good; v2 goes out, then the rollback must bring v1 back (its digest
    // on every replica) with the SLIs in the SLO and no acknowledged write lost.
    ...base,
    steps: [
      deploy(${s}, 'v1'),
      steady('2s'),
      deploy(${s}, 'v2', { expect: 'healthy' }),
      steady('2s'),
      rollback(${s}),
      verifyRestored({ for: '2s' }),
    ],
  }),${rejected}
];
`;
}

function releasesReadme(init: ServiceInit): string {
  const files = init.files.length > 0 ? init.files.map((f) => `\`${f}\``).join(', ') : 'nothing of the project (the command is a program on PATH; add files with `drillbit init --files`)';
  return `# Releases of ${init.service}

Written by \`drillbit init\`. Each folder is one immutable release: a \`release.json\` and the
files the command runs. The drill copies the folder into a read-only, content-addressed store
and runs the command **there**, so each folder holds a copy of ${files}, taken when init ran.

| folder | version | what it is |
| --- | --- | --- |
| \`v1\` | 1.0.0 | the last-known-good release |
| \`v2\` | 1.0.1 | the candidate: today the same files as v1 |
| \`v2-unhealthy\` | 1.0.1-unhealthy | v2 with a health path your service does not answer: a candidate that must be rejected |

What to fill in, in each \`release.json\` (JSON has no comments, so they are here):
- \`command\`: the program and its arguments, run in the foreground from the release folder.
- \`env\`: \`${init.portEnv}\` gets \`{port}\`, the port the replica must listen on (on 127.0.0.1, or
  \`{host}\`). \`{dataDir}\` is the service's state folder, kept across deploys and rollbacks.
  Nothing else of your shell's environment reaches the replica: add what it needs here.
- \`health.path\`: answers 200 once the replica is ready (\`timeoutMs\` to get there).
- \`version\`: a version names one content for ever. After changing a folder's files or
  manifest, give it a new version (or a new folder): the ledger refuses a reused one.

A new build of your service is a new folder (\`v3\`, version 1.0.2) with its files; name it
in the scenario's \`releases\`.
`;
}
