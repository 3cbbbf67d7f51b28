import fc from 'fast-check';
import { Json, JsonObject, PROTO_NAMES, cloneJson, editAt, isObject, objectFrom, pathsOf, setOwn, valueAt } from './json-tree';
import { unicodeText } from './fuzz-ids';

/** Stands for a deeply nested value; `bodyText` writes it out as text (JSON.stringify would recurse that deep). */
export const DEEP_MARKER = '\u0001deep\u0001';
const protoName = fc.constantFrom(...PROTO_NAMES);
const smallJson = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
const extraKey = fc.oneof(protoName, unicodeText);
const protoInner = fc.oneof(fc.constantFrom<Json>({}, [], 1, 'x', null), fc.constant<Json>({ [PROTO_NAMES[1]]: { prototype: 1 } }));

const byType: [string, fc.Arbitrary<Json>][] = [
  ['null', fc.constant(null)],
  ['boolean', fc.boolean()],
  ['number', fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0.5, -0, 1e300, 2 ** 53 + 2, -(2 ** 63)))],
  ['string', fc.oneof(unicodeText, protoName)],
  ['array', fc.array(fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>, { maxLength: 3 })],
  ['object', fc.constantFrom<Json>({}, { a: 1 })],
];
const otherTypes = new Map(byType.map(([kind]) => [kind, fc.oneof(...byType.filter(([name]) => name !== kind).map(([, arbitrary]) => arbitrary))]));

/** Some value of another JSON type than `node`. */
function otherType(node: Json): fc.Arbitrary<Json> {
  const kind = node === null ? 'null' : Array.isArray(node) ? 'array' : typeof node;
  return otherTypes.get(kind)!;
}

/** Big values that still fit a 64 KiB body, and a few that do not. */
const huge: fc.Arbitrary<Json> = fc.oneof(
  fc.tuple(fc.integer({ min: 1_000, max: 60_000 }), fc.constantFrom('a', 'é', '\u0000', '🔑')).map(([n, c]) => c.repeat(Math.ceil(n / c.length))),
  fc.integer({ min: 100, max: 3_000 }).map((n) => objectFrom(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
  fc.integer({ min: 100, max: 10_000 }).map((n) => Array.from({ length: n }, () => 1)),
  fc.integer({ min: 70_000, max: 200_000 }).map((n) => 'x'.repeat(n)),
);

/** Adds a prototype-named key to every object in the tree, at every level. */
function protoKeysEverywhere(value: Json, name: string, inner: Json): Json {
  if (Array.isArray(value)) return value.map((child) => protoKeysEverywhere(child, name, inner));
  if (!isObject(value)) return value;
  const copy: JsonObject = objectFrom(Object.keys(value).map((key) => [key, protoKeysEverywhere(value[key], name, inner)]));
  return setOwn(copy, name, cloneJson(inner));
}

/** Renames one key of an object to `name`. */
function renameKey(node: Json, index: number, name: string): Json {
  if (!isObject(node)) return node;
  const keys = Object.keys(node);
  if (keys.length === 0) return setOwn({}, name, {});
  const old = keys[index % keys.length];
  return objectFrom(keys.map((key) => [key === old ? name : key, node[key]]));
}

/** `valid` mutated at one of its nodes (or everywhere, for prototype keys). */
export function mutated(valid: Json): fc.Arbitrary<Json> {
  const paths = pathsOf(valid);
  const objectPaths = paths.filter((path) => isObject(valueAt(valid, path)));
  const anyPath = fc.constantFrom(...paths);
  const objectPath = objectPaths.length > 0 ? fc.constantFrom(...objectPaths) : fc.constant([] as const);
  const at = (path: readonly (string | number)[], edit: (node: Json) => Json | undefined) => editAt(valid, path, edit) ?? null;
  return fc.oneof(
    // wrong type
    anyPath.chain((path) => otherType(valueAt(valid, path)).map((other) => at(path, () => other))),
    // a field missing
    fc.tuple(objectPath, fc.nat()).map(([path, i]) =>
      at(path, (node) => {
        const keys = Object.keys(node as JsonObject);
        return keys.length ? editAt(node, [keys[i % keys.length]], () => undefined) : node;
      }),
    ),
    // an extra field, often prototype-named
    fc.tuple(objectPath, extraKey, smallJson).map(([path, key, extra]) => at(path, (node) => setOwn(cloneJson(node) as JsonObject, key, extra))),
    // prototype keys at every level, or as the name of an existing entry
    fc.tuple(protoName, protoInner).map(([name, inner]) => protoKeysEverywhere(valid, name, inner)),
    fc.tuple(objectPath, fc.nat(), protoName).map(([path, i, name]) => at(path, (node) => renameKey(node, i, name))),
    // huge, deeply nested or Unicode values
    fc.tuple(anyPath, huge).map(([path, big]) => at(path, () => big)),
    anyPath.map((path) => at(path, () => DEEP_MARKER)),
    fc.tuple(anyPath, unicodeText).map(([path, text]) => at(path, () => text)),
  );
}
