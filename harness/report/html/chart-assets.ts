import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { assertInlineSafe } from './escape.ts';

/** Everything a report inlines, so the file works offline: uPlot (MIT) and the report's own script and styles. */
export interface ChartAssets {
  uplotJs: string;
  uplotCss: string;
  css: string;
  timelineChartsJs: string;
  historyChartsJs: string;
}

/** Reads the chart library's minified build from node_modules and the report's own assets, once per call. */
export function loadChartAssets(): ChartAssets {
  const require = createRequire(import.meta.url);
  const uplotDir = dirname(dirname(require.resolve('uplot/dist/uPlot.iife.min.js')));
  const { version } = JSON.parse(readFileSync(join(uplotDir, 'package.json'), 'utf8')) as { version: string };
  const copyright = /^Copyright.*$/m.exec(readFileSync(join(uplotDir, 'LICENSE'), 'utf8'))?.[0] ?? 'Copyright Leon Sorokin';
  const banner = `/*! uPlot ${version}, MIT License, ${copyright} */\n`;
  const own = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
  return {
    uplotJs: assertInlineSafe('uPlot', banner + readFileSync(join(uplotDir, 'dist/uPlot.iife.min.js'), 'utf8'), 'script'),
    uplotCss: assertInlineSafe('uPlot css', readFileSync(join(uplotDir, 'dist/uPlot.min.css'), 'utf8'), 'style'),
    css: own('report.css'),
    timelineChartsJs: own('timeline-charts.js'),
    historyChartsJs: own('history-charts.js'),
  };
}
