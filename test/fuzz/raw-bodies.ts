import fc from 'fast-check';
import { Json } from './json-tree';
import { DEEP_MARKER } from './body-mutations';

export interface Nesting {
  readonly depth: number;
  readonly kind: 'array' | 'object';
}

export const nesting: fc.Arbitrary<Nesting> = fc.record({
  depth: fc.constantFrom(64, 512, 4_000, 12_000),
  kind: fc.constantFrom('array' as const, 'object' as const),
});

/** The JSON text of `value`, with a deep-nesting marker written out `nesting.depth` levels deep. */
export function bodyText(value: Json, deep: Nesting): string {
  const text = JSON.stringify(value);
  const marker = JSON.stringify(DEEP_MARKER);
  if (!text.includes(marker)) return text;
  const nested = deep.kind === 'array' ? `${'['.repeat(deep.depth)}${']'.repeat(deep.depth)}` : `${'{"a":'.repeat(deep.depth)}1${'}'.repeat(deep.depth)}`;
  return text.replace(marker, () => nested);
}

const notJsonAtAll = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '{',
    '}',
    '[',
    'nul',
    'NaN',
    'undefined',
    "{'a': 1}",
    '{"a": 1,}',
    '{"a" 1}',
    '{"a": 01}',
    '{"a": 1e999}',
    '{"a": -}',
    '{"a": "\\x"}',
    '{"a": "\\ud800"}',
    '\uFEFF{}',
    '{}{}',
    '{"a":1}\u0000',
    '"\\u0000"',
    '{"__proto__": 1, "__proto__": {}}',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const trailing = fc.constantFrom('{"a":1} trailing', ']', '/* c */{}');

/** Text that is not JSON, or JSON that a strict parser may refuse, built from a valid body. */
export function brokenJson(validText: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.nat().map((n) => validText.slice(0, n % Math.max(validText.length, 1))),
    notJsonAtAll,
    trailing.map((tail) => validText + tail),
  );
}

/** Content types a client might send with a JSON body, right or wrong. */
export const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant<string | undefined>('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom<string | undefined>(
      undefined,
      '',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'APPLICATION/JSON',
      'application/jsonp',
      'application/json, text/plain',
      'text/json',
      ';;;',
      'application/json; charset="',
    ),
  },
);
