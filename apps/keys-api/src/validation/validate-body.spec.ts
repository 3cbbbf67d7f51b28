import { MatrixError } from '@app/matrix';
import { UploadKeysDto } from '../upload-keys/upload-keys.dto';
import { QueryKeysDto } from '../query-keys/query-keys.dto';
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
});
