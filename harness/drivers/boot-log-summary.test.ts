import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summarizeBootLog } from './boot-log-summary.ts';

const dir = mkdtempSync(join(tmpdir(), 'drillbit-boot-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a real program writes to stderr when it fails to start. */
function stderrOf(command: string, args: string[], cwd = dir): string {
  return spawnSync(command, args, { cwd, encoding: 'utf8' }).stderr;
}

describe('summarizeBootLog, on what real programs write when they fail to start', () => {
  it('Node: a CommonJS file in a "type": "module" package — the error, why, and its first frame; not "Node.js v20"', () => {
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(join(dir, 'server.js'), "const http = require('http');\n");
    const stderr = stderrOf(process.execPath, ['server.js']);
    expect(stderr.trim().split('\n').at(-1)).toMatch(/^Node\.js v/);
    const summary = summarizeBootLog(stderr);
    expect(summary[0]).toBe('ReferenceError: require is not defined in ES module scope, you can use import instead');
    expect(summary[1]).toContain(`'${join(dir, 'package.json')}' contains "type": "module"`);
    expect(summary.at(-1)).toMatch(/^at file:\/\/.*server\.js:1:\d+$/);
  });

  it('Node: a module that is not there', () => {
    writeFileSync(join(dir, 'missing.cjs'), "require('left-pad');\n");
    const summary = summarizeBootLog(stderrOf(process.execPath, ['missing.cjs']));
    expect(summary[0]).toBe("Error: Cannot find module 'left-pad'");
    expect(summary.at(-1), 'the first frame in its own code, not in node:internal').toMatch(/^at Object\.<anonymous> \(.*missing\.cjs:1:1\)$/);
  });

  it('Python: the exception at the end of a traceback, with the innermost frame above it', () => {
    writeFileSync(join(dir, 'app.py'), 'import sqlite3\nimport no_such_module\n');
    const summary = summarizeBootLog(stderrOf('python3', ['app.py']));
    expect(summary[0]).toBe("ModuleNotFoundError: No module named 'no_such_module'");
    expect(summary.at(-1)).toMatch(/^File ".*app\.py", line 2, in <module>$/);
  });

  it('nginx: the [emerg] line, not the "test failed" line after it', () => {
    writeFileSync(join(dir, 'nginx.conf'), 'events {}\nhttp { server { listen 127.0.0.1:1; no_such_directive on; } }\n');
    const stderr = stderrOf('/usr/sbin/nginx', ['-t', '-c', join(dir, 'nginx.conf'), '-e', 'stderr']);
    expect(stderr).toContain('test failed');
    expect(summarizeBootLog(stderr)[0]).toMatch(/\[emerg\] .*unknown directive "no_such_directive" in .*nginx\.conf:2$/);
    // Its error log's own format (an error_log file a release keeps).
    expect(summarizeBootLog('2026/12/07 23:38:30 [notice] 1#1: using the "epoll" event method\n2026/12/07 23:38:30 [emerg] 31#31: bind() to 127.0.0.1:80 failed (98: Address already in use)\n')[0]).toContain('[emerg] 31#31: bind()');
  });

  it('without an error line, the last line that is not noise; nothing for nothing', () => {
    expect(summarizeBootLog('listening\nshutting down\n\n[drillbit 2026-12-07T00:00:00Z] exited with code 3\n')).toEqual(['shutting down']);
    expect(summarizeBootLog('')).toEqual([]);
  });
});
