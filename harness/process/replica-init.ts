/**
 * The first process of every local replica: a POSIX shell that runs the release's command
 * as its child and never touches the release's environment or working directory, so
 * `/proc/<pid>/environ` and `/proc/<pid>/cwd` of the process Drillbit launched say what the
 * release was started with, whatever the release does to its own (nginx clears its env,
 * postgres rewrites its title and changes directory).
 *
 * In a PID namespace of its own (containment.ts) it is the namespace's init: when it exits
 * the kernel kills every process left in the namespace, so nothing a release starts — a
 * daemon that forked and called setsid included — outlives it. When the release's command
 * ends while others it started still run (it daemonized), it writes `exited <status>` on
 * fd 3 to the harness and holds the namespace until told to stop, so the harness can name
 * what is left before it goes. The command runs in the foreground, not as `cmd &`: a
 * background job of a non-interactive shell starts with SIGINT and SIGQUIT ignored, which
 * would change what a release does with them (nginx stops gracefully on QUIT). Signals: a stop
 * reaches the command directly (the same process group); the init only notes it. Exit
 * status: the command's (128+n when a signal ended it, as sh reports it).
 */
const SCRIPT = `
stopping=0
trap 'stopping=1' TERM INT HUP
"$@" 3>&-
status=$?
if [ "$stopping" = 0 ] && [ "$$" = 1 ] && kill -0 -1 2>/dev/null; then
  echo "exited $status" >&3
  while [ "$stopping" = 0 ] && kill -0 -1 2>/dev/null; do sleep 0.2 & wait $!; done
fi
exit "$status"
`.trim();

/** The name the init runs under (`$0`), as `ps` shows it. */
export const REPLICA_INIT_NAME = 'drillbit-init';

/** `argv` run under the replica init. */
export function underReplicaInit(argv: readonly string[]): string[] {
  return ['/bin/sh', '-c', SCRIPT, REPLICA_INIT_NAME, ...argv];
}

/** Parses the init's fd 3 line: the release's command ended with `status` while other processes of it still ran. */
export function parseInitReport(line: string): { exitedStatus: number } | undefined {
  const match = /^exited (\d+)$/.exec(line.trim());
  return match ? { exitedStatus: Number(match[1]) } : undefined;
}
