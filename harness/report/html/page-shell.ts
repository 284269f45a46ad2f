import { createHash } from 'node:crypto';
import { escapeHtml, jsonForScript } from './escape.ts';

export interface PageParts {
  title: string;
  /** Already escaped markup. */
  body: string;
  /** Embedded as JSON in `<script type="application/json" id="drillbit-data">`. */
  data: unknown;
  styles: string[];
  scripts: string[];
}

/**
 * One self-contained page. The Content-Security-Policy allows only the inline scripts and
 * styles the report itself carries (by hash) and `data:` images: nothing remote can load,
 * nothing can connect out, and an injected script would not run even if escaping failed.
 */
export function htmlPage(parts: PageParts): string {
  const csp = [
    "default-src 'none'",
    `script-src ${parts.scripts.map(hashSource).join(' ')}`,
    `style-src ${parts.styles.map(hashSource).join(' ')}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="drillbit">',
    `<title>${escapeHtml(parts.title)}</title>`,
    '<link rel="icon" href="data:,">',
    ...parts.styles.map((css) => `<style>${css}</style>`),
    '</head>',
    '<body>',
    parts.body,
    `<script type="application/json" id="drillbit-data">${jsonForScript(parts.data)}</script>`,
    ...parts.scripts.map((js) => `<script>${js}</script>`),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function hashSource(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}
