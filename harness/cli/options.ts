import { InvalidArgumentError } from 'commander';
import { errorMessage } from '../errors.ts';
import { parseAllowTarget } from '../scenario/target-allowance.ts';

/** Flag parsers: a bad value names the flag and says what is expected (exit 2). */
export function positiveInt(flag: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${flag} expects a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
    return n;
  };
}

export function seedValue(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError(`--seed expects a whole number from 0 to 4294967295, got ${JSON.stringify(value)}`);
  return n;
}

export function ratioValue(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`${flag} expects a ratio from 0 to 1 (e.g. 0.95), got ${JSON.stringify(value)}`);
    return n;
  };
}

export function regexValue(value: string): RegExp {
  try {
    return new RegExp(value);
  } catch {
    throw new InvalidArgumentError(`--grep expects a regular expression, got ${JSON.stringify(value)}`);
  }
}

export function shardValue(value: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) throw new InvalidArgumentError(`--shard expects i/n with 1 ≤ i ≤ n (e.g. 2/4), got ${JSON.stringify(value)}`);
  return { index, count };
}

export function listValue(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function portValue(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new InvalidArgumentError(`${flag} expects a TCP port from 1 to 65535, got ${JSON.stringify(value)}`);
    return n;
  };
}

export function httpUrlValue(flag: string) {
  return (value: string): string => {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || !url.hostname) throw new InvalidArgumentError(`${flag} expects an http:// or https:// URL (e.g. http://127.0.0.1:9091), got ${JSON.stringify(value)}`);
    return value;
  };
}

export function choiceValue<T extends string>(flag: string, choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`${flag} expects one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
    return value as T;
  };
}

/** `--allow-target HOST[:PORT]`, once per host: the values so far plus this one, checked. */
export function allowTargetValue(value: string, previous: string[] = []): string[] {
  try {
    parseAllowTarget(value);
  } catch (error) {
    throw new InvalidArgumentError(errorMessage(error));
  }
  return [...previous, value.trim()];
}
