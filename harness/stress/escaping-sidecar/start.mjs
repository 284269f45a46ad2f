// A release that leaves a process behind the way daemons do: detached (its own session,
// out of the replica's process group) and with an empty environment, so neither the
// group nor DRILLBIT_RUN_ID finds it. Its argv carries the run id, which kill-stress.ts
// looks for: only the replica's containment can stop it.
import { spawn } from 'node:child_process';

const marker = `drillbit-escaped-helper-${process.env.DRILLBIT_RUN_ID}`;
spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', marker], { detached: true, stdio: 'ignore', env: {} }).unref();
await import('./server.mjs');
