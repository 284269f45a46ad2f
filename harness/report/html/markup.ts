import { escapeHtml } from './escape.ts';

/** A table cell: text is escaped; `markup` is for cells built from already escaped parts. */
export type Cell = string | { text: string; cls?: string; title?: string } | { markup: string; cls?: string };

export function table(headers: string[], rows: Cell[][], options: { numeric?: number[]; cls?: string } = {}): string {
  const numeric = new Set(options.numeric ?? []);
  const head = headers.map((h, i) => `<th${numeric.has(i) ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell, i) => cellHtml(cell, numeric.has(i))).join('')}</tr>`).join('\n');
  return `<table${options.cls ? ` class="${escapeHtml(options.cls)}"` : ''}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function cellHtml(cell: Cell, numeric: boolean): string {
  if (typeof cell === 'string') return `<td${numeric ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`;
  const classes = [numeric ? 'num' : '', cell.cls ?? ''].filter(Boolean).join(' ');
  const cls = classes ? ` class="${escapeHtml(classes)}"` : '';
  if ('markup' in cell) return `<td${cls}>${cell.markup}</td>`;
  return `<td${cls}${cell.title ? ` title="${escapeHtml(cell.title)}"` : ''}>${escapeHtml(cell.text)}</td>`;
}

export function statusCell(status: string, text = status): Cell {
  return { text, cls: `cell-status status-${status.replace(/[^a-z-]/g, '-')}` };
}

export function badge(status: string, text = status): string {
  return `<span class="badge status-${escapeHtml(status.replace(/[^a-z-]/g, '-'))}">${escapeHtml(text)}</span>`;
}
