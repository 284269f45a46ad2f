import type { PromSeries } from './prometheus-text.ts';

type Matcher = { label: string; op: '=' | '!=' | '=~' | '!~'; value: string; regex?: RegExp };

/**
 * A PromQL instant-vector selector, `name{label="v", code=~"5.."}`: picks series from a
 * scrape. Regex matchers are anchored, as in PromQL.
 */
export class SeriesSelector {
  private constructor(
    readonly name: string,
    private readonly matchers: Matcher[],
  ) {}

  static parse(text: string): SeriesSelector {
    const match = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?\s*$/.exec(text);
    if (!match) throw new Error(`not a series selector: ${JSON.stringify(text)} (expected name{label="value"})`);
    const matchers: Matcher[] = [];
    const body = match[2]?.trim() ?? '';
    const pattern = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;
    while (pattern.lastIndex < body.length) {
      const m = pattern.exec(body);
      if (!m) throw new Error(`bad label matcher in ${JSON.stringify(text)}`);
      const op = m[2] as Matcher['op'];
      matchers.push({ label: m[1]!, op, value: m[3]!, regex: op.includes('~') ? new RegExp(`^(?:${m[3]})$`) : undefined });
    }
    return new SeriesSelector(match[1]!, matchers);
  }

  matches(series: PromSeries): boolean {
    if (series.name !== this.name) return false;
    return this.matchers.every((m) => {
      const actual = series.labels[m.label] ?? '';
      if (m.op === '=') return actual === m.value;
      if (m.op === '!=') return actual !== m.value;
      if (m.op === '=~') return m.regex!.test(actual);
      return !m.regex!.test(actual);
    });
  }

  /** Sum of the matching series' values. */
  sum(series: readonly PromSeries[]): number {
    return series.filter((s) => this.matches(s)).reduce((total, s) => total + s.value, 0);
  }
}
