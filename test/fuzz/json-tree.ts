/** JSON values as fuzz bodies hold them, and edits that keep `__proto__` an own key (never a prototype). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type JsonPath = readonly (string | number)[];

/** Keys that collide with Object.prototype members when a server indexes plain objects with them. */
export const PROTO_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'] as const;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `object[key] = value`, but as an own enumerable property even for `__proto__`, so JSON.stringify writes it. */
export function setOwn(object: JsonObject, key: string, value: Json): JsonObject {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

export function objectFrom(entries: readonly (readonly [string, Json])[]): JsonObject {
  const object: JsonObject = {};
  for (const [key, value] of entries) setOwn(object, key, value);
  return object;
}

/** A deep copy that keeps `__proto__` keys own. */
export function cloneJson(value: Json): Json {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (isObject(value)) return objectFrom(Object.keys(value).map((key) => [key, cloneJson(value[key])]));
  return value;
}

/** Every node's path, the root first. */
export function pathsOf(value: Json, at: JsonPath = []): JsonPath[] {
  const children = Array.isArray(value)
    ? value.map((child, i) => pathsOf(child, [...at, i]))
    : isObject(value)
      ? Object.keys(value).map((key) => pathsOf(value[key], [...at, key]))
      : [];
  return [at, ...children.flat()];
}

export function valueAt(value: Json, path: JsonPath): Json {
  let node: Json = value;
  for (const step of path) node = Array.isArray(node) ? node[step as number] : (node as JsonObject)[step as string];
  return node;
}

/** A copy of `root` with the node at `path` replaced by `edit(node)`; `undefined` removes it. */
export function editAt(root: Json, path: JsonPath, edit: (node: Json) => Json | undefined): Json | undefined {
  if (path.length === 0) return edit(root);
  const [step, ...rest] = path;
  const copy = cloneJson(root);
  const child = Array.isArray(copy) ? copy[step as number] : (copy as JsonObject)[step as string];
  const edited = editAt(child, rest, edit);
  if (Array.isArray(copy)) {
    if (edited === undefined) copy.splice(step as number, 1);
    else copy[step as number] = edited;
  } else if (edited === undefined) delete (copy as JsonObject)[step as string];
  else setOwn(copy as JsonObject, step as string, edited);
  return copy;
}
