/** A duration in a scenario: "250ms", "5s", "1.5m", "1h", or a number of milliseconds. */
export type Duration = string | number;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;

/** Milliseconds for a duration, or undefined when it is not a valid, finite, non-negative duration. */
export function tryParseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = DURATION_RE.exec(value.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  return Number.isFinite(ms) ? ms : undefined;
}

export function parseDuration(value: Duration): number {
  const ms = tryParseDuration(value);
  if (ms === undefined) throw new RangeError(`expected a duration like "5s", got ${JSON.stringify(value)}`);
  return ms;
}

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  return `${(ms / 60_000).toFixed(1)}m`;
}
