import { MatrixError } from '@app/matrix';
import { UploadKeysDto } from '../upload-keys/upload-keys.dto';
import { QueryKeysDto } from '../query-keys/query-keys.dto';
import { ClaimKeysDto } from '../claim-keys/claim-keys.dto';
import { validateBody } from './validate-body';

const errcode = (dto: new () => object, body: unknown) => {
  try {
    validateBody(dto, body);
    return 'ok';
  } catch (err) {
    return (err as MatrixError).errcode;
  }
};

const deviceKeys = { user_id: '@a:x', device_id: 'D', algorithms: ['a'], keys: { 'ed25519:D': 'k' }, signatures: { '@a:x': { 'ed25519:D': 's' } } };

describe('validateBody', () => {
  it.each([
    ['an array body', UploadKeysDto, []],
    ['a string body', UploadKeysDto, 'x'],
    ['device_keys as an array', UploadKeysDto, { device_keys: [] }],
    ['device_keys without user_id', UploadKeysDto, { device_keys: { ...deviceKeys, user_id: undefined } }],
    ['algorithms not an array', UploadKeysDto, { device_keys: { ...deviceKeys, algorithms: 'a' } }],
    ['keys with a number', UploadKeysDto, { device_keys: { ...deviceKeys, keys: { a: 1 } } }],
    ['signatures one level deep', UploadKeysDto, { device_keys: { ...deviceKeys, signatures: { '@a:x': 's' } } }],
    ['one_time_keys as an array', UploadKeysDto, { one_time_keys: [] }],
    ['an empty query', QueryKeysDto, {}],
    ['device_keys lists of numbers', QueryKeysDto, { device_keys: { '@a:x': [1] } }],
    ['device_keys as an array', QueryKeysDto, { device_keys: ['@a:x'] }],
    ['a negative timeout', QueryKeysDto, { device_keys: {}, timeout: -1 }],
  ])('refuses %s with M_BAD_JSON', (_name, dto, body) => {
    expect(errcode(dto as new () => object, body)).toBe('M_BAD_JSON');
  });

  it('accepts well-formed bodies', () => {
    expect(errcode(UploadKeysDto, { device_keys: deviceKeys })).toBe('ok');
    expect(errcode(UploadKeysDto, {})).toBe('ok');
    expect(errcode(QueryKeysDto, { device_keys: { '@a:x': [] }, timeout: 10000 })).toBe('ok');
  });

  // Parsed as JSON.parse does (own data entries, `__proto__` included), at several depths.
  const dk = JSON.stringify(deviceKeys).slice(1, -1);
  it.each([
    ['a user named constructor in a claim', ClaimKeysDto, '{"one_time_keys": {"constructor": {"DEV": "signed_curve25519"}}}', 'ok'],
    ['a device named constructor with a number', ClaimKeysDto, '{"one_time_keys": {"@a:x": {"constructor": 5}}}', 'M_BAD_JSON'],
    ['a device named __proto__ with an object', ClaimKeysDto, '{"one_time_keys": {"@a:x": {"__proto__": {}}}}', 'M_BAD_JSON'],
    ['a timeout that is an object with constructor', QueryKeysDto, '{"timeout": {"constructor": {}}, "device_keys": {}}', 'M_BAD_JSON'],
    ['a user named __proto__ listing numbers', QueryKeysDto, '{"device_keys": {"__proto__": [1]}}', 'M_BAD_JSON'],
    ['a user named toString', QueryKeysDto, '{"device_keys": {"toString": []}}', 'ok'],
    [
      'top-level constructor and __proto__ beside device_keys',
      UploadKeysDto,
      `{"constructor": {}, "__proto__": {"device_keys": 1}, "device_keys": {${dk}}}`,
      'ok',
    ],
    ['device_keys.keys.hasOwnProperty a number', UploadKeysDto, `{"device_keys": {${dk}, "keys": {"hasOwnProperty": 5}}}`, 'M_BAD_JSON'],
    ['device_keys.signatures.constructor flat', UploadKeysDto, `{"device_keys": {${dk}, "signatures": {"constructor": "s"}}}`, 'M_BAD_JSON'],
    ['device_keys.constructor beside valid fields', UploadKeysDto, `{"device_keys": {${dk}, "constructor": {"prototype": 1}}}`, 'ok'],
    ['one_time_keys named constructor', UploadKeysDto, '{"one_time_keys": {"constructor": {"valueOf": 1}}}', 'ok'],
  ])('%s: never a crash', (_name, dto, json, expected) => {
    expect(errcode(dto as new () => object, JSON.parse(json))).toBe(expected);
  });
});
