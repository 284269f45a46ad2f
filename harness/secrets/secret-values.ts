import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { DrillbitError, errorMessage } from '../errors.ts';
import { MIN_SECRET_LENGTH, registerSecret, SECRET_NAME } from './redaction.ts';

/** Where a secret's value comes from: an environment variable of the drillbit process, or a file. */
export type SecretSource = { env: string } | { file: string };

/**
 * Reads a service's `secrets` (env name → source) before anything starts, registers each
 * value for redaction and returns the env to give its replicas. A missing variable, an
 * unreadable or empty file is bad input naming the field; the value itself is never shown.
 */
export async function readSecrets(service: string, secrets: Readonly<Record<string, SecretSource>>, ctx: { file: string; baseDir: string; env: Readonly<Record<string, string | undefined>> }): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, source] of Object.entries(secrets)) {
    const field = `${ctx.file}: services.${service}.secrets.${name}`;
    let value: string | undefined;
    if ('env' in source) {
      value = ctx.env[source.env];
      if (value === undefined) throw new DrillbitError('bad-input', `${field}: environment variable ${source.env} is not set`, { hint: `export ${source.env}=… before the run (its value is never written anywhere)` });
    } else {
      const path = isAbsolute(source.file) ? source.file : resolve(ctx.baseDir, source.file);
      value = await readFile(path, 'utf8').then((text) => text.replace(/\r?\n$/, ''), (error: unknown) => {
        throw new DrillbitError('bad-input', `${field}: cannot read ${path}: ${errorMessage(error)}`, { hint: 'point `file` at a readable file holding only the secret' });
      });
    }
    if (value.length < MIN_SECRET_LENGTH) throw new DrillbitError('bad-input', `${field}: the value is shorter than ${MIN_SECRET_LENGTH} characters`, { hint: 'a secret that short cannot be told from ordinary text in the outputs; use a real one' });
    registerSecret(value);
    out[name] = value;
  }
  return out;
}

/** Registers the values of a release's env whose names look like credentials (`DB_PASSWORD`, `API_TOKEN`), so outputs never show them. */
export function registerSecretLookingEnv(env: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(env)) if (SECRET_NAME.test(name)) registerSecret(value);
}
