/**
 * Secret values never leave the process in clear: every output sink (results.json, the
 * journal, JUnit, HTML, metrics files, the console) passes its text through `redact()`.
 *
 * This is the one deliberate piece of process-wide state in the harness: a sink may not
 * see the run that knows the secret (a reporter rendering a merged file, an error printed
 * by the CLI after the run ended), and a secret must be hidden from all of them. Values are
 * only ever added: a secret seen once stays redacted for the life of the process.
 */

export const REDACTED = '[redacted]';

/** Shorter values would redact ordinary text (`true`, `80`): they are refused as secrets instead. */
export const MIN_SECRET_LENGTH = 6;

const patterns = new Set<string>();
let matcher: RegExp | undefined;

/** Registers a secret value, and the forms it takes once escaped for JSON, HTML/XML, or a script block. */
export function registerSecret(value: string): void {
  if (value.length < MIN_SECRET_LENGTH) return;
  const json = JSON.stringify(value).slice(1, -1);
  const html = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  const script = json.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  const xml = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  const before = patterns.size;
  for (const form of [value, json, html, script, xml]) patterns.add(form);
  if (patterns.size !== before) matcher = undefined;
}

/** The text with every registered secret (in any of its escaped forms) replaced by `[redacted]`. */
export function redact(text: string): string {
  if (patterns.size === 0) return text;
  matcher ??= new RegExp([...patterns].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  return text.replace(matcher, REDACTED);
}

/** Env names that usually hold credentials: their values are treated as secrets wherever they appear. */
export const SECRET_NAME = /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|auth)/i;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
