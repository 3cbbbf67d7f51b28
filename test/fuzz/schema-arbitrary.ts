import fc from 'fast-check';
import { Json, objectFrom } from './json-tree';
import { FuzzIds, unicodeText } from './fuzz-ids';
import { JsonSchema } from './spec-schemas';

/** One schema with its `allOf` parts folded in (the spec uses allOf only to add a description). */
function flatten(schema: JsonSchema): JsonSchema {
  if (!schema.allOf) return schema;
  const parts = [...schema.allOf.map(flatten), { ...schema, allOf: undefined }];
  return parts.reduce((merged, part) => ({
    ...merged,
    ...part,
    properties: { ...merged.properties, ...part.properties },
    patternProperties: { ...merged.patternProperties, ...part.patternProperties },
    required: [...(merged.required ?? []), ...(part.required ?? [])],
  }));
}

const freeJson = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;

/** Names for a pattern's keys: `^@` user ids, `^!` room ids, anything else map keys. */
function keysFor(pattern: string | undefined, ids: FuzzIds): fc.Arbitrary<string> {
  if (pattern === '^@') return ids.userId;
  if (pattern === '^!') return ids.roomId;
  return ids.mapKey;
}

function dictionary(key: fc.Arbitrary<string>, value: fc.Arbitrary<Json>, maxLength: number): fc.Arbitrary<Json> {
  return fc.array(fc.tuple(key, value), { maxLength }).map(objectFrom);
}

function stringFor(schema: JsonSchema, ids: FuzzIds): fc.Arbitrary<Json> {
  if (schema.pattern === '^@' || schema.format === 'mx-user-id') return ids.userId;
  const example = typeof schema.example === 'string' ? [fc.constant(schema.example)] : [];
  return fc.oneof(...example, fc.string({ maxLength: 16 }), unicodeText, fc.base64String({ maxLength: 44 }));
}

function objectFor(schema: JsonSchema, ids: FuzzIds): fc.Arbitrary<Json> {
  const properties = Object.entries(schema.properties ?? {});
  const patterns = Object.entries(schema.patternProperties ?? {});
  const additional = schema.additionalProperties;
  const extras: fc.Arbitrary<[string, Json][]>[] = patterns.map(([pattern, valueSchema]) =>
    fc.array(fc.tuple(keysFor(pattern, ids), arbitraryFor(valueSchema, ids)), { maxLength: 3 }),
  );
  if (typeof additional === 'object') {
    const count = schema.maxProperties ?? 3;
    extras.push(fc.array(fc.tuple(ids.mapKey, arbitraryFor(additional, ids)), { minLength: Math.min(schema.minProperties ?? 0, count), maxLength: count }));
  } else if (properties.length === 0 && patterns.length === 0) {
    return dictionary(fc.oneof(ids.mapKey, fc.string({ maxLength: 8 })), freeJson, 4); // free-form content
  }
  const required = new Set(schema.required ?? []);
  const declared = fc.record(Object.fromEntries(properties.map(([name, value]) => [name, arbitraryFor(value, ids)])), {
    requiredKeys: properties.map(([name]) => name).filter((name) => required.has(name)),
  });
  return fc.tuple(declared, ...extras).map(([fixed, ...more]) => objectFrom([...Object.entries(fixed as Record<string, Json>), ...more.flat()]));
}

/** Values of the shape `schema` describes (not necessarily accepted: signatures and ids are random). */
export function arbitraryFor(raw: JsonSchema, ids: FuzzIds): fc.Arbitrary<Json> {
  const schema = flatten(raw);
  if (schema.enum) return fc.constantFrom(...(schema.enum as Json[]));
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) return fc.oneof(...alternatives.map((alternative) => arbitraryFor({ ...schema, oneOf: undefined, anyOf: undefined, ...alternative }, ids)));
  const type = Array.isArray(schema.type)
    ? schema.type[0]
    : (schema.type ?? (schema.properties || schema.additionalProperties || schema.patternProperties ? 'object' : undefined));
  switch (type) {
    case 'object':
      return objectFor(schema, ids);
    case 'array':
      return fc.array(schema.items ? arbitraryFor(schema.items, ids) : freeJson, { maxLength: 4 });
    case 'string':
      return stringFor(schema, ids);
    case 'integer':
      return fc.oneof(fc.integer({ min: 0, max: 100 }), fc.maxSafeInteger(), fc.integer({ min: -1, max: 0 }));
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    default:
      return freeJson;
  }
}
