import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { Reporter } from './reporter.ts';
import type { RunResults } from '../verdict/results.ts';
import { loadChartAssets, renderHtmlReport } from './html-report.ts';

export { renderHtmlReport, loadChartAssets } from './html-report.ts';

/** `--reporter html`: `<output>/report.html` at the end of the run, interrupted or not. */
export class HtmlReporter implements Reporter {
  readonly version = 1 as const;

  constructor(private readonly outputDir: string) {}

  get path(): string {
    return join(this.outputDir, 'report.html');
  }

  async onEnd(run: RunResults): Promise<void> {
    const incomplete = run.aborted ? 'incomplete: the run was interrupted before every scenario finished' : undefined;
    await writeFileAtomic(this.path, renderHtmlReport(run, { assets: loadChartAssets(), incomplete }));
  }
}
