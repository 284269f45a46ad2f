import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { probeContainment } from './containment.ts';

describe('probeContainment', () => {
  it('on this Linux machine: a PID namespace, whose first process really is PID 1', async () => {
    const containment = await probeContainment();
    expect(containment.kind).toBe('pid-namespace');
    if (containment.kind !== 'pid-namespace') return;
    const [command, ...args] = containment.prefix as [string, ...string[]];
    expect(execFileSync(command, [...args, '/bin/sh', '-c', 'echo $$'], { encoding: 'utf8' }).trim()).toBe('1');
  });

  it('elsewhere: process groups, saying why', async () => {
    expect(await probeContainment('darwin')).toEqual({ kind: 'process-group', reason: 'PID namespaces are Linux only (this is darwin)' });
  });
});
