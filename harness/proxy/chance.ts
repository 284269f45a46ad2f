/**
 * True with probability `p`. No draw at 0 or 1, so toxics that are always or never on leave
 * a seeded sequence alone; 0 is never true and 1 always (Toxiproxy: `rand < toxicity`).
 */
export function chance(p: number, random: () => number): boolean {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return random() < p;
}
