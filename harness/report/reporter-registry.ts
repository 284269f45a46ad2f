import { badInput } from '../errors.ts';
import { didYouMeanNote } from '../util/did-you-mean.ts';
import type { Reporter } from './reporter.ts';
import { ListReporter } from './list-reporter.ts';
import { JsonReporter } from './json-reporter.ts';
import { JunitReporter } from './junit-reporter.ts';
import { PrometheusReporter } from './prometheus-reporter.ts';
import { HtmlReporter } from './html-reporter.ts';

export interface ReporterSetup {
  outputDir: string;
  write: (text: string) => void;
  tty: boolean;
  /** Colour codes on the console (cli/colour.ts). */
  colour?: boolean;
  /** The terminal's width. */
  columns?: number;
  /** `--pushgateway`, `--metrics-port` (for `prom`). */
  prometheus?: { pushgateway?: string; metricsPort?: number };
}

/** Every reporter `--reporter` can name, in one explicit map. */
const reporters: Record<string, (setup: ReporterSetup) => Reporter> = {
  list: (s) => new ListReporter({ write: s.write, tty: s.tty, colour: s.colour, columns: s.columns }),
  json: (s) => new JsonReporter(s.outputDir),
  junit: (s) => new JunitReporter(s.outputDir),
  prom: (s) => new PrometheusReporter({ outputDir: s.outputDir, ...s.prometheus }),
  html: (s) => new HtmlReporter(s.outputDir),
};

export const reporterNames = Object.keys(reporters);

export function createReporters(names: string[], setup: ReporterSetup): { name: string; reporter: Reporter }[] {
  const unknown = names.filter((n) => !Object.hasOwn(reporters, n));
  if (unknown.length) throw badInput(`--reporter: unknown reporter ${unknown.map((n) => `${JSON.stringify(n)}${didYouMeanNote(n, reporterNames)}`).join(', ')}`, `choose from ${reporterNames.join(', ')}`);
  return [...new Set(names)].map((name) => ({ name, reporter: reporters[name]!(setup) }));
}
