import { spawn } from 'node:child_process';

/**
 * How local replicas are contained. `pid-namespace`: each replica runs under its init
 * (replica-init.ts) as PID 1 of a PID namespace of its own (util-linux `unshare --pid --fork
 * --kill-child`); the kernel kills whatever is left in it when that init ends, so a daemon
 * that double-forked and called setsid — out of every process group and session — goes with
 * its replica, on a normal stop, on Ctrl-C and when `drillbit clean` reaps a killed run.
 * Chosen over a cgroup (needs a writable, delegated cgroup tree, rarely there for a normal
 * user) and a child subreaper (prctl is not reachable from Node without a native addon, and
 * an adopted orphan still has to be found). `process-group`: no namespace could be made
 * here; a replica is its process group, which a daemon escapes.
 */
export type Containment =
  | { kind: 'pid-namespace'; /** The command line that runs a replica's init in its own namespace. */ prefix: readonly string[] }
  | { kind: 'process-group'; /** Why no namespace: for the warning. */ reason: string };

const PROBE_TIMEOUT_MS = 5000;

/** Tries a PID namespace as this user (root: plain; others: in a user namespace that maps only themselves). */
export async function probeContainment(platform: NodeJS.Platform = process.platform, uid = process.getuid?.() ?? -1, gid = process.getgid?.() ?? -1): Promise<Containment> {
  if (platform !== 'linux') return { kind: 'process-group', reason: `PID namespaces are Linux only (this is ${platform})` };
  const plain = ['unshare', '--pid', '--fork', '--kill-child'];
  const candidates = uid === 0 ? [plain] : [plain, ['unshare', '--user', `--map-user=${uid}`, `--map-group=${gid}`, '--pid', '--fork', '--kill-child']];
  const failures: string[] = [];
  for (const prefix of candidates) {
    const failure = await tryNamespace(prefix);
    if (failure === undefined) return { kind: 'pid-namespace', prefix };
    failures.push(failure);
  }
  return { kind: 'process-group', reason: failures.at(-1) ?? 'unshare failed' };
}

/** Runs `sh -c 'test $$ = 1'` under the prefix: undefined when it ran as PID 1, else why not. */
function tryNamespace(prefix: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    const [command, ...args] = prefix as [string, ...string[]];
    const child = spawn(command, [...args, '/bin/sh', '-c', 'test $$ = 1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve(`${command}: ${error.message}`);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(undefined);
      else resolve(`${prefix.join(' ')}: ${stderr.trim().split('\n').at(-1) || (signal ? `killed by ${signal}` : `exit code ${code}`)}`);
    });
  });
}
