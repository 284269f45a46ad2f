import { InvalidArgumentError } from 'commander';

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
