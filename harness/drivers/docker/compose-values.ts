import { DrillbitError } from '../../errors.ts';
import { escapeRegExp } from '../../util/escape-regexp.ts';

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A compose duration (`"1m30s"`, `"500ms"`, `"10s"`; a bare number is seconds) in milliseconds. */
export function parseComposeDuration(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value * 1000;
  const text = String(value).trim();
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new DrillbitError('bad-input', `compose duration ${JSON.stringify(value)} is not like "1m30s" or "500ms"`);
  }
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * UNIT_MS[unit!]!, 0);
}

/**
 * A command written as one string, split as compose splits it (POSIX shell words: single
 * and double quotes, backslash escapes; no expansion).
 */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new DrillbitError('bad-input', `command ${JSON.stringify(text)} has an unterminated ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

/**
 * Compose services reach each other by name (`http://stock:8080`); Drillbit's containers
 * reach a dependency through the run's fault proxy for that link instead. Every
 * `<dependency>:<its port>` in a value becomes `{addr:<dependency>}`, which the driver fills
 * with the link's address, so `http://stock:8080/x` → `http://{addr:stock}/x`. Only the
 * services in `dependencies` (the service's `depends_on`, with their container ports) are
 * rewritten; anything else is left as written.
 */
export function rewriteServiceAddresses(value: string, dependencies: Readonly<Record<string, number>>): string {
  let result = value;
  for (const [name, port] of Object.entries(dependencies)) {
    const pattern = new RegExp(`(?<=^|[/@=,;\\s])${escapeRegExp(name)}:${port}(?=$|[/?#,;\\s])`, 'g');
    result = result.replace(pattern, `{addr:${name}}`);
  }
  return result;
}
