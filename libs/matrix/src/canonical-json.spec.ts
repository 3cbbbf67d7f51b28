import { CanonicalJsonError, canonicalJson, compareCodePoints } from './canonical-json';

describe('canonicalJson', () => {
  it.each([
    [{}, '{}'],
    [{ one: 1, two: 'Two' }, '{"one":1,"two":"Two"}'],
    [{ b: '2', a: '1' }, '{"a":"1","b":"2"}'],
    [{ a: '日本語' }, '{"a":"日本語"}'],
    [{ 本: 2, 日: 1 }, '{"日":1,"本":2}'],
    [{ a: '\u65E5' }, '{"a":"日"}'],
    [{ a: null }, '{"a":null}'],
    [{ a: -0, b: 1e10 }, '{"a":0,"b":10000000000}'],
    [
      {
        auth: {
          success: true,
          mxid: '@john.doe:example.com',
          profile: { display_name: 'John Doe', three_pids: [{ medium: 'email', address: 'john.doe@example.org' }] },
        },
      },
      '{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"}]},"success":true}}',
    ],
  ])('encodes the spec examples: %j', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('uses short escapes where JSON has them and lower-case \\u00XX for other control characters', () => {
    expect(canonicalJson({ a: '\n\t"\\\u0001\u001f\b\f\r' })).toBe('{"a":"\\n\\t\\"\\\\\\u0001\\u001f\\b\\f\\r"}');
  });

  it('does not escape non-ASCII or U+2028', () => {
    expect(canonicalJson({ a: 'é\u2028😀' })).toBe('{"a":"é\u2028😀"}');
  });

  it('sorts keys by code point, not by UTF-16 code unit', () => {
    // U+FFFF < U+10000, although "\uD800\uDC00" < "\uFFFF" as UTF-16 code units.
    expect(canonicalJson({ '\u{10000}': 1, '\uFFFF': 2 })).toBe('{"\uFFFF":2,"\u{10000}":1}');
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
    expect(compareCodePoints('b', 'ab')).toBeGreaterThan(0);
    expect(compareCodePoints('x', 'x')).toBe(0);
  });

  it('rejects floats and integers outside [-(2^53)+1, 2^53-1]', () => {
    expect(() => canonicalJson({ a: 1.5 })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ a: 2 ** 53 })).toThrow(/out of range/);
    expect(() => canonicalJson({ a: -(2 ** 53) })).toThrow(/out of range/);
    expect(canonicalJson({ a: 2 ** 53 - 1, b: -(2 ** 53) + 1 })).toBe('{"a":9007199254740991,"b":-9007199254740991}');
    expect(() => canonicalJson({ a: [NaN] })).toThrow(/a\[0\]/);
  });
});
