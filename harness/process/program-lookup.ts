import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/**
 * Where a command's program is, as `execvp` will find it: a name with a `/` relative to the
 * working directory, any other name on `PATH`. Undefined when there is no such executable
 * file. Looked up before a replica starts, so a wrong `command` is told at once, by name,
 * instead of as an exit code 127 from the shell that would have run it.
 */
export function findProgram(name: string, path: string | undefined, cwd: string): string | undefined {
  if (name.includes('/')) return executable(isAbsolute(name) ? name : resolve(cwd, name));
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const found = executable(join(isAbsolute(dir) ? dir : resolve(cwd, dir), name));
    if (found) return found;
  }
  return undefined;
}

function executable(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return undefined;
    accessSync(file, constants.X_OK);
    return file;
  } catch {
    return undefined;
  }
}
