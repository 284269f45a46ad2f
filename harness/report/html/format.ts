import { formatMs } from '../../util/duration.ts';

/** Formatting for report cells: `—` for what was not measured, never a made-up zero. */
export function ms(value: number | null | undefined): string {
  return value === null || value === undefined || Number.isNaN(value) ? '—' : formatMs(value);
}

export function pct(ratio: number | null | undefined, digits = 2): string {
  return ratio === null || ratio === undefined || Number.isNaN(ratio) ? '—' : `${(ratio * 100).toFixed(digits)}%`;
}

export function count(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : String(value);
}

export function yesNo(value: boolean | null | undefined): string {
  return value === null || value === undefined ? '—' : value ? 'yes' : 'no';
}

/** Each `sha256:` digest cut to 12 hex digits (also inside `mixed:…`): enough to tell releases apart on screen. */
export function shortDigest(digest: string): string {
  return digest.replace(/(sha256:[0-9a-f]{12})[0-9a-f]+/g, '$1');
}
