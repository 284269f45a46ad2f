import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { Reporter } from './reporter.ts';
import type { RunResults } from '../verdict/results.ts';

/** `results.json` (DESIGN.md §3), rewritten atomically after every scenario so a crash keeps what finished. */
export class JsonReporter implements Reporter {
  readonly version = 1 as const;

  constructor(private readonly outputDir: string) {}

  get path(): string {
    return join(this.outputDir, 'results.json');
  }

  async onScenarioEnd(_result: unknown, run: RunResults): Promise<void> {
    await writeFileAtomic(this.path, JSON.stringify(run, null, 2));
  }

  async onEnd(run: RunResults): Promise<void> {
    await writeFileAtomic(this.path, JSON.stringify(run, null, 2));
  }
}
