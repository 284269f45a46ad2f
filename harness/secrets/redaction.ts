import { escapeHtml, jsonForScript } from '../report/html/escape.ts';
import { attr as xmlAttr, text as xmlText } from '../report/xml-escape.ts';
import { escapeRegExp } from '../util/escape-regexp.ts';

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
  // The forms the writers produce: results and journal (JSON), HTML text, the HTML report's data block, JUnit text and attributes.
  const forms = [value, JSON.stringify(value).slice(1, -1), escapeHtml(value), jsonForScript(value).slice(1, -1), xmlText(value), xmlAttr(value)];
  const before = patterns.size;
  for (const form of forms) patterns.add(form);
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
