/** One series of the Prometheus text exposition format. */
export interface PromSeries {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SERIES_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?\s*/y;

/** Parses `name{label="v"} value [timestamp]` lines; comments and malformed lines are skipped. */
export function parsePrometheusText(text: string): PromSeries[] {
  const series: PromSeries[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = SERIES_LINE.exec(line);
    if (!match) continue;
    const labels = parseLabels(match[2] ?? '');
    const value = parseValue(match[3]!);
    if (labels && value !== undefined) series.push({ name: match[1]!, labels, value });
  }
  return series;
}

function parseLabels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const match = LABEL.exec(text);
    if (!match) return undefined;
    labels[match[1]!] = match[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  }
  return labels;
}

function parseValue(text: string): number | undefined {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  const value = Number(text);
  return Number.isNaN(value) && text !== 'NaN' ? undefined : value;
}
