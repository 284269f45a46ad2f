/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/**
 * Lower bound of the Wilson score interval for `passed` successes in `attempts` trials.
 * Unlike the observed rate, it accounts for how few attempts there were: 1/1 passing is
 * ≥ 0.21 with 95% confidence, not 1.0. Null when there is no attempt (no data is not a rate).
 */
export function wilsonLowerBound(passed: number, attempts: number, z = Z95): number | null {
  if (attempts <= 0) return null;
  const p = passed / attempts;
  const z2 = z * z;
  const centre = p + z2 / (2 * attempts);
  const spread = z * Math.sqrt((p * (1 - p)) / attempts + z2 / (4 * attempts * attempts));
  return Math.max(0, (centre - spread) / (1 + z2 / attempts));
}
