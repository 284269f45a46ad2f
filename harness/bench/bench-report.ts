import { mkdir } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { meetsTarget, type BenchMetric, type SectionReport } from './bench-section.ts';

/** bench.json: `benchVersion` changes when a field is renamed or removed. */
export interface BenchReport {
  benchVersion: 1;
  startedAt: string;
  durationMs: number;
  options: { quick: boolean; only: string | null };
  machine: { node: string; platform: string; arch: string; cpus: number; cpuModel: string; loadAverage1m: { start: number; end: number } };
  sections: (SectionReport & { metrics: (BenchMetric & { met?: boolean })[] })[];
}

export function machineNow(): Omit<BenchReport['machine'], 'loadAverage1m'> {
  const cores = cpus();
  return { node: process.version, platform: process.platform, arch: process.arch, cpus: cores.length, cpuModel: cores[0]?.model.trim() ?? 'unknown' };
}

export function loadAverage(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

export function withVerdicts(section: SectionReport): BenchReport['sections'][number] {
  return { ...section, metrics: section.metrics.map((m) => ({ ...m, ...(meetsTarget(m) !== undefined && { met: meetsTarget(m) }) })) };
}

export async function writeBenchReport(dir: string, report: BenchReport): Promise<{ json: string; markdown: string }> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'bench.json');
  const markdown = join(dir, 'bench.md');
  await writeFileAtomic(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(markdown, renderMarkdown(report));
  return { json, markdown };
}

export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    '# Drillbit bench',
    '',
    `\`${command(report.options)}\` on ${report.startedAt}: ` +
      `${m.cpus} × ${m.cpuModel}, Node ${m.node}, load ${m.loadAverage1m.start} → ${m.loadAverage1m.end}; took ${formatDuration(report.durationMs)}.`,
    '',
    '| section | metric | value | over | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const section of report.sections) {
    if (section.error) lines.push(`| ${section.name} | **failed to run** | ${escapeCell(section.error)} | | | |`);
    for (const metric of section.metrics) {
      lines.push(`| ${section.name} | ${escapeCell(metric.label)} | ${formatValue(metric.value, metric.unit)} | ${metric.stat ?? ''} | ${formatTarget(metric)} | ${metric.met === undefined ? '' : metric.met ? 'yes' : '**no**'} |`);
    }
  }
  const notes = report.sections.flatMap((s) => s.notes.map((note) => `- **${s.name}**: ${note}`));
  if (notes.length) lines.push('', 'Notes:', '', ...notes);
  return `${lines.join('\n')}\n`;
}

function command(options: BenchReport['options']): string {
  const flags = [options.quick && '--quick', options.only && `--only ${options.only}`].filter(Boolean);
  return flags.length ? `npm run bench -- ${flags.join(' ')}` : 'npm run bench';
}

function formatValue(value: number | null, unit: BenchMetric['unit']): string {
  if (value === null) return 'n/a';
  const number = Math.abs(value) >= 1000 ? value.toLocaleString('en-US', { maximumFractionDigits: 0 }) : String(value);
  return unit === 'ratio' || unit === 'intervals' ? number : `${number} ${unit}`;
}

function formatTarget(metric: BenchMetric): string {
  const parts = [metric.target?.atMost !== undefined && `≤ ${formatValue(metric.target.atMost, metric.unit)}`, metric.target?.atLeast !== undefined && `≥ ${formatValue(metric.target.atLeast, metric.unit)}`];
  return parts.filter(Boolean).join(', ');
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
