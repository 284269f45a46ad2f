import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const KILL_AFTER_MS = 2000;

/**
 * Runs a bench entry point (`main(args)`) in its own Node process, so the load generator
 * has a core of its own, and returns the JSON lines it printed. The child's stdin stays
 * open while the parent waits: a child whose parent died sees it close and exits.
 */
export async function runBenchChild(root: string, entry: string, args: string[], options: { signal: AbortSignal; onLine?: (line: unknown) => void }): Promise<unknown[]> {
  const child = spawn(process.execPath, [join(root, 'bin', 'run-ts.mjs'), entry, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  // 'close', not 'exit': every stdout line has been read by then.
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const lines: unknown[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    try {
      const value: unknown = JSON.parse(line);
      lines.push(value);
      options.onLine?.(value);
    } catch {
      // Not one of our result lines (a library's own output): ignored.
    }
  });
  const stop = () => void kill(child, exited);
  options.signal.addEventListener('abort', stop, { once: true });
  try {
    const [code, signal] = await exited;
    if (code !== 0) throw new Error(`${entry} exited with ${code ?? signal}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
    return lines;
  } finally {
    options.signal.removeEventListener('abort', stop);
    await kill(child, exited);
  }
}

async function kill(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  await exited;
  clearTimeout(timer);
}

/** In a bench child: exit when the parent goes away (its end of stdin closes). Returns the release for a normal end. */
export function exitWithParent(): () => void {
  const onEnd = () => process.exit(130);
  process.stdin.on('end', onEnd).resume();
  return () => {
    process.stdin.off('end', onEnd);
    process.stdin.destroy();
  };
}
