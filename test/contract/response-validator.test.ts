import { RecordedResponse } from '../helpers/response-record';
import { checkRecord } from './recorded-responses';
import { ResponseValidator } from './response-validator';
import { findOperation, loadSpecOperations } from './spec-operations';

/** The matcher and validator themselves, on hand-made answers: each check must be able to fail. */
describe('contract matcher and validator', () => {
  const operations = loadSpecOperations();
  const validator = new ResponseValidator();
  const op = (method: string, path: string) => {
    const found = findOperation(operations, method, path);
    if (!found) throw new Error(`no operation for ${method} ${path}`);
    return found;
  };
  const errorsOf = async (method: string, path: string, status: number, body: unknown) =>
    (await validator.validate(op(method, path), status, true, body)).errors;

  it('matches method and path template, older prefixes as v3, and nothing else', () => {
    expect(op('PUT', '/_matrix/client/r0/room_keys/keys/!r%3Ahs/s1').id).toBe('PUT /_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}');
    expect(op('POST', '/_matrix/client/unstable/keys/device_signing/upload').id).toBe('POST /_matrix/client/v3/keys/device_signing/upload');
    expect(op('PUT', '/transactions/t1').id).toBe('PUT /_matrix/app/v1/transactions/{txnId}');
    expect(findOperation(operations, 'GET', '/_matrix/client/v3/keys/upload')).toBeUndefined();
    expect(findOperation(operations, 'GET', '/_keyserver/v1/sync')).toBeUndefined();
  });

  it('accepts spec-shaped bodies and rejects wrong ones', async () => {
    expect(await errorsOf('POST', '/_matrix/client/v3/keys/upload', 200, { one_time_key_counts: { signed_curve25519: 0 } })).toEqual([]);
    expect(await errorsOf('POST', '/_matrix/client/v3/keys/upload', 200, { one_time_key_counts: { signed_curve25519: '0' } })).not.toEqual([]);
    expect(await errorsOf('POST', '/_matrix/client/v3/keys/upload', 200, {})).not.toEqual([]); // one_time_key_counts is required
    const backup = { algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2', auth_data: {}, count: 0, etag: '0', version: '1' };
    expect(await errorsOf('GET', '/_matrix/client/v3/room_keys/version', 200, backup)).toEqual([]);
    expect(await errorsOf('GET', '/_matrix/client/v3/room_keys/version', 200, { ...backup, etag: 0 })).not.toEqual([]);
  });

  it('follows refs into the definitions files (device keys in a query answer)', async () => {
    const device = (userId: string) => ({
      user_id: userId,
      device_id: 'D',
      algorithms: ['m.olm.v1.curve25519-aes-sha2'],
      keys: { 'ed25519:D': 'k' },
      signatures: {},
    });
    const answer = (userId: string) => ({ device_keys: { '@a:hs': { D: device(userId) } } });
    expect(await errorsOf('POST', '/_matrix/client/v3/keys/query', 200, answer('@a:hs'))).toEqual([]);
    expect(await errorsOf('POST', '/_matrix/client/v3/keys/query', 200, answer('a-without-sigil'))).not.toEqual([]);
  });

  it('errors: the spec schema where it gives one plus errcode and error strings; a UIA 401 as the auth response', async () => {
    expect(await errorsOf('GET', '/_matrix/client/v3/room_keys/version', 404, { errcode: 'M_NOT_FOUND', error: 'none' })).toEqual([]);
    expect(await errorsOf('GET', '/_matrix/client/v3/room_keys/version', 404, { errcode: 'M_NOT_FOUND' })).not.toEqual([]);
    expect(await errorsOf('POST', '/_matrix/client/v3/keys/claim', 400, { errcode: 7, error: 'x' })).not.toEqual([]);
    expect(
      await errorsOf('POST', '/_matrix/client/v3/keys/device_signing/upload', 401, { flows: [{ stages: ['m.login.password'] }], params: {}, session: 's' }),
    ).toEqual([]);
    expect(await errorsOf('POST', '/_matrix/client/v3/keys/device_signing/upload', 401, { flows: 'password' })).not.toEqual([]);
    expect(await errorsOf('POST', '/_matrix/client/v3/keys/claim', 201, {})).toEqual([
      'status 201 is not a response the spec lists for POST /_matrix/client/v3/keys/claim',
    ]);
  });

  it('a record: unknown-path errors must be Matrix errors, successes there must be listed exceptions', async () => {
    const answer = (method: string, path: string, status: number, body: unknown): RecordedResponse => ({
      method,
      path,
      status,
      json: true,
      body,
      test: 'here',
    });
    const report = await checkRecord(
      [
        answer('GET', '/_keyserver/v1/sync', 200, { next_batch: 'x' }),
        answer('GET', '/_matrix/client/v3/nope', 404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }),
        answer('GET', '/_matrix/client/v3/keys/nothing', 404, 'Not Found'),
        answer('GET', '/_matrix/client/v3/made-up', 200, {}),
        answer('POST', '/_matrix/client/v3/keys/claim', 200, { one_time_keys: {} }),
      ],
      operations,
      validator,
    );
    expect(report.validated).toBe(1);
    expect(report.excepted.size).toBe(1);
    expect(report.violations).toHaveLength(2);
    expect(report.violations[0]).toMatch(/keys\/nothing -> 404: \(no spec operation\) \/ must be object/);
    expect(report.violations[1]).toMatch(/made-up -> 200: a successful answer on a path no spec operation defines/);
  });
});
