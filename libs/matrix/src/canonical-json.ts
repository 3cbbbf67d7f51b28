/**
 * Canonical JSON as defined by the Matrix spec (appendices, "Canonical JSON"):
 * object keys sorted by Unicode code point, no insignificant whitespace, UTF-8,
 * integers only, in the range [-(2^53)+1, (2^53)-1].
 */
export class CanonicalJsonError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${message} at ${path || '<root>'}`);
  }
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER; // 2^53 - 1

export function canonicalJson(value: unknown): string {
  return encode(value, '');
}

/** Throws CanonicalJsonError when `value` cannot be represented in canonical JSON. */
export function assertCanonicalJsonCompatible(value: unknown): void {
  encode(value, '');
}

function encode(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return encodeNumber(value, path);
    case 'string':
      // JSON.stringify uses the short escapes (\b \f \n \r \t \" \\) and lower-case
      // \u00XX for the other control characters, which is what the spec asks for.
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? encodeArray(value, path) : encodeObject(value as Record<string, unknown>, path);
    default:
      throw new CanonicalJsonError(`unsupported ${typeof value} value`, path);
  }
}

function encodeNumber(value: number, path: string): string {
  if (!Number.isInteger(value)) throw new CanonicalJsonError('non-integer number', path);
  if (value > MAX_SAFE || value < -MAX_SAFE) throw new CanonicalJsonError('integer out of range', path);
  return Object.is(value, -0) ? '0' : String(value);
}

function encodeArray(values: unknown[], path: string): string {
  return `[${values.map((item, i) => encode(item, `${path}[${i}]`)).join(',')}]`;
}

function encodeObject(object: Record<string, unknown>, path: string): string {
  const keys = Object.keys(object).sort(compareCodePoints);
  const parts: string[] = [];
  for (const key of keys) {
    const item = object[key];
    if (item === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${encode(item, `${path}.${key}`)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Orders strings by Unicode code point; `<` on JS strings compares UTF-16 code units instead. */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const na = ia.next();
    const nb = ib.next();
    if (na.done || nb.done) return na.done ? (nb.done ? 0 : -1) : 1;
    const ca = na.value.codePointAt(0)!;
    const cb = nb.value.codePointAt(0)!;
    if (ca !== cb) return ca - cb;
  }
}
