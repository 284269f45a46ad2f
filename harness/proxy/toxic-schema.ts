import { z } from 'zod';
import { badRequest, ProxyError } from './proxy-error.ts';
import { STREAMS, type ProxyProtocol, type Stream, type Toxic, type ToxicType } from './toxic.ts';
import { supports, TOXIC_TYPES, typesFor } from './toxic-registry.ts';
import { share } from './toxic-attributes.ts';

// Top-level fields as Toxiproxy reads them; unknown top-level fields are ignored, as there.
const wrapperSchema = z.object({
  name: z.string({ error: 'expected a string' }).min(1, { error: 'must not be empty' }).max(200, { error: 'at most 200 characters' }).optional(),
  type: z.string({ error: 'expected a string' }),
  stream: z.string({ error: 'expected a string' }).default('downstream'),
  toxicity: share(1),
  attributes: z.record(z.string(), z.unknown(), { error: 'expected an object' }).nullish(),
});

const updateSchema = z.object({
  toxicity: share(1).optional(),
  attributes: z.record(z.string(), z.unknown(), { error: 'expected an object' }).nullish(),
});

/** Validates a new toxic for a proxy of `protocol` (Toxiproxy's AddToxicJson). Throws a 400 ProxyError naming every bad field. */
export function parseToxic(input: unknown, protocol: ProxyProtocol): Toxic {
  const wrapper = parseWith(wrapperSchema, input);
  if (!STREAMS.includes(wrapper.stream as Stream)) {
    throw new ProxyError(400, `stream was invalid, can be either upstream or downstream: stream: got ${JSON.stringify(wrapper.stream)}`);
  }
  const type = TOXIC_TYPES.get(wrapper.type);
  if (!type || !supports(type, protocol)) {
    const unsupported = type ? ` is not supported on ${protocol} proxies` : '';
    throw new ProxyError(400, `invalid toxic type: type: ${JSON.stringify(wrapper.type)}${unsupported} (one of ${typesFor(protocol).join(', ')})`);
  }
  const stream = wrapper.stream as Stream;
  return {
    name: wrapper.name ?? `${type.type}_${stream}`,
    type,
    stream,
    toxicity: wrapper.toxicity,
    attributes: parseAttributes(type, wrapper.attributes ?? {}),
  };
}

/** Applies an update (Toxiproxy's UpdateToxicJson: attributes merged over the current ones, toxicity; other fields ignored). */
export function parseToxicUpdate(current: Toxic, input: unknown): Toxic {
  const update = parseWith(updateSchema, input);
  return {
    ...current,
    toxicity: update.toxicity ?? current.toxicity,
    attributes: parseAttributes(current.type, { ...current.attributes, ...(update.attributes ?? {}) }),
  };
}

function parseAttributes(type: ToxicType, attributes: Record<string, unknown>): Record<string, number> {
  const result = type.attributes.safeParse(attributes);
  if (!result.success) throw badRequest(describeIssues(result.error.issues, attributes, ['attributes']));
  return result.data;
}

function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw badRequest('expected a JSON object');
  const result = schema.safeParse(input);
  if (!result.success) throw badRequest(describeIssues(result.error.issues, input, []));
  return result.data;
}

/** `attributes.latency: must not be negative, got -5; toxicity: must be between 0 and 1, got 2` */
export function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown, prefix: (string | number)[]): string {
  return issues
    .map((issue) => {
      const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
      const value = valueAt(input, issue.path);
      const got = value === undefined || issue.code === 'unrecognized_keys' ? '' : `, got ${JSON.stringify(value)}`;
      return `${path.length ? path.join('.') : 'body'}: ${issue.message}${got}`;
    })
    .join('; ');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
