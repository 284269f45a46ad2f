import type { z } from 'zod';
import { didYouMeanNote } from './did-you-mean.ts';

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  innerType?: Schema;
  in?: Schema;
  element?: Schema;
  valueType?: Schema;
  options?: Schema[];
  discriminator?: string;
  values?: unknown[];
  getter?: () => Schema;
}

/** Examples for a field a scenario must have, shown when it is missing. */
const REQUIRED_EXAMPLES: Record<string, string> = {
  slo: 'every scenario states its SLO, e.g. slo: { recoveryTime: 15s, availability: 0.99 }',
  steps: 'e.g. steps: [{ kind: deploy, service: shop, release: v1 }, { kind: steady, for: 2s }]',
  services: 'e.g. services: { shop: { releases: { v1: ./releases/shop/v1 } } }',
  name: 'e.g. name: bad release is rolled back',
};

/**
 * A zod issue in Drillbit's words: what is wrong with the value at its path, the value itself
 * where it helps, and "did you mean" for a misspelt field, kind or option. `root` is the value
 * that was validated, `schema` the schema it was validated with (for the fields a path allows).
 */
export function issueText(issue: Issue, root: unknown, schema?: Schema): string {
  const value = valueAt(root, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = schema ? fieldsAt(schema, issue.path, root) : [];
      const keys = issue.keys.map((key) => `${JSON.stringify(key)}${didYouMeanNote(key, known)}`);
      return `unknown field${keys.length > 1 ? 's' : ''} ${keys.join(', ')}`;
    }
    case 'invalid_union': {
      const discriminated = issue as Issue & { discriminator?: string; options?: unknown[] };
      if (discriminated.discriminator && discriminated.options) {
        const options = discriminated.options.map(String);
        const what = discriminated.discriminator === 'kind' && issue.path.includes('steps') ? 'step kind' : discriminated.discriminator;
        if (value === undefined) return `missing ${what}; expected one of ${options.join(', ')}`;
        return `unknown ${what} ${JSON.stringify(value)}${typeof value === 'string' ? didYouMeanNote(value, options) : ''}; expected one of ${options.join(', ')}`;
      }
      if (value === undefined) return missing(issue.path);
      const expected = [...new Set(issue.errors.flat().flatMap((e) => (e.code === 'invalid_type' ? [article(String(e.expected))] : [])))];
      return expected.length ? `expected ${expected.join(' or ')}, got ${show(value)}` : `not valid here: ${show(value)}`;
    }
    case 'invalid_type':
      if (value === undefined) return missing(issue.path, article(String(issue.expected)));
      return `expected ${article(String(issue.expected))}, got ${show(value)}`;
    case 'invalid_value': {
      const options = issue.values.map((v) => JSON.stringify(v));
      return `expected ${options.length === 1 ? options[0] : `one of ${options.join(', ')}`}, got ${show(value)}${typeof value === 'string' ? didYouMeanNote(value, issue.values.map(String)) : ''}`;
    }
    case 'too_big':
      return `${bound('at most', issue.maximum, issue.origin, issue.inclusive)}, got ${measure(value, issue.origin)}`;
    case 'too_small':
      return value === undefined ? missing(issue.path) : `${bound('at least', issue.minimum, issue.origin, issue.inclusive)}, got ${measure(value, issue.origin)}`;
    default:
      return issue.message;
  }
}

/** A required field that is absent: an example where the scenario's top level lacks it, else what it should be. */
function missing(path: readonly PropertyKey[], expected?: string): string {
  const example = path.length === 1 ? REQUIRED_EXAMPLES[String(path[0])] : undefined;
  if (example) return `missing: ${example}`;
  return expected ? `missing: expected ${expected}` : 'missing';
}

function bound(word: 'at most' | 'at least', limit: number | bigint, origin: string, inclusive = true): string {
  const noun = origin === 'string' ? 'character' : origin === 'array' || origin === 'set' ? 'item' : origin === 'object' ? 'field' : '';
  const unit = noun ? ` ${noun}${Number(limit) === 1 ? '' : 's'}` : '';
  if (!inclusive) return `must be ${word === 'at most' ? 'below' : 'above'} ${limit}${unit}`;
  return `must be ${word} ${limit}${unit}`;
}

function measure(value: unknown, origin: string): string {
  if (origin === 'string' && typeof value === 'string') return `${value.length}`;
  if ((origin === 'array' || origin === 'set') && Array.isArray(value)) return `${value.length}`;
  return show(value);
}

function article(type: string): string {
  const noun = type === 'record' ? 'object' : type;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** A value as the user wrote it, kept short. */
function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The field names an object schema at `path` allows; for a union, those of the option the value is. */
export function fieldsAt(schema: Schema, path: readonly PropertyKey[], root: unknown): string[] {
  let node: Schema | undefined = schema;
  let value = root;
  for (const key of path) {
    node = node && childOf(node, key, value);
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    if (!node) return [];
  }
  return fieldsOf(node, value);
}

function def(schema: Schema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function unwrap(schema: Schema): Schema {
  let node = schema;
  for (let depth = 0; depth < 20; depth++) {
    const d = def(node);
    if (d.innerType) node = d.innerType;
    else if (d.type === 'pipe' && d.in) node = d.in;
    else if (d.type === 'lazy' && d.getter) node = d.getter();
    else break;
  }
  return node;
}

function childOf(schema: Schema, key: PropertyKey, value: unknown): Schema | undefined {
  const node = unwrap(schema);
  const d = def(node);
  if (d.type === 'object') return d.shape?.[String(key)];
  if (d.type === 'array') return d.element;
  if (d.type === 'record') return d.valueType;
  if (d.type === 'union') {
    const option = optionFor(d, value);
    return option ? childOf(option, key, value) : d.options?.map((o) => childOf(o, key, value)).find(Boolean);
  }
  return undefined;
}

function fieldsOf(schema: Schema, value: unknown): string[] {
  const node = unwrap(schema);
  const d = def(node);
  if (d.type === 'object') return Object.keys(d.shape ?? {});
  if (d.type === 'union') {
    const option = optionFor(d, value);
    return option ? fieldsOf(option, value) : [...new Set((d.options ?? []).flatMap((o) => fieldsOf(o, value)))];
  }
  return [];
}

/** The option of a discriminated union that the value's discriminator names. */
function optionFor(d: Def, value: unknown): Schema | undefined {
  if (!d.discriminator || value === null || typeof value !== 'object') return undefined;
  const tag = (value as Record<string, unknown>)[d.discriminator];
  return d.options?.find((option) => {
    const field = def(unwrap(option)).shape?.[d.discriminator!];
    return field !== undefined && (def(unwrap(field)).values ?? []).includes(tag);
  });
}
