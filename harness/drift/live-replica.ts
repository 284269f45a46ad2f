/** A replica as found running, from outside the run that started it (`drillbit drift`). */
export interface LiveReplica {
  service: string;
  /** `<service>-g<generation>-<index>`. */
  id: string;
  digest?: string;
  /** Whether its files still hash to its digest; undefined when that cannot be read. */
  contentIntact?: boolean;
  /** The environment it runs with. */
  env: Record<string, string>;
  /** Local: the store copy it runs from (its release.json holds the manifest). */
  releaseDir?: string;
}

/** The generation number of a replica id (`shop-g3-0` → 3). */
export function generationOf(id: string): number {
  return Number(/-g(\d+)-\d+$/.exec(id)?.[1] ?? 0);
}
