import { z } from 'zod';

/** `release.json` of a bundle (DESIGN.md §3, "Release bundle"). */
export const releaseManifestSchema = z.strictObject({
  service: z.string().min(1).max(100),
  version: z.string().min(1).max(100),
  /** argv; `{port}`, `{dataDir}` and `{bundle}` are replaced per replica. */
  command: z.array(z.string().max(10_000)).min(1),
  env: z.record(z.string(), z.string().max(100_000)).default({}),
  health: z
    .strictObject({
      path: z.string().regex(/^\//, 'expected a path starting with "/"').default('/healthz'),
      timeoutMs: z.number().int().min(1).max(600_000).default(5000),
      intervalMs: z.number().int().min(1).max(60_000).default(50),
    })
    .default({ path: '/healthz', timeoutMs: 5000, intervalMs: 50 }),
  /** Provenance (optional): when the artifact was built, ISO 8601; not part of the config digest. */
  createdAt: z.iso.datetime({ offset: true, message: 'expected an ISO 8601 time such as "2026-11-20T10:00:00Z"' }).optional(),
  /** Provenance (optional): free-form labels (`revision`, `owner`), checked by the `requiredLabels` policy rule. */
  labels: z.record(z.string(), z.string().max(10_000)).optional(),
});

export type ReleaseManifest = z.output<typeof releaseManifestSchema>;
