import fc from 'fast-check';
import { FuzzIds, pathParam, unicodeText } from './fuzz-ids';
import { JsonSchema, requestSchema } from './spec-schemas';

/** One route under test: its path template, its query parameters and, for a body, the spec's request schema. */
export interface FuzzEndpoint {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `{name}` marks a path parameter; a leading `/_` is a path outside /_matrix/client/{version}. */
  readonly path: string;
  readonly body?: JsonSchema;
  readonly query: fc.Arbitrary<[string, string][]>;
}

const numberish = fc.oneof(
  fc.constantFrom('1', '2', '3'),
  fc.nat().map(String),
  fc.constantFrom('-1', '1.5', '1e3', '0x10', '99999999999999999999', ''),
  unicodeText,
);
const streamToken = fc.oneof(
  fc
    .array(
      fc.integer({ min: 0, max: 40 }).map((n) => n.toString(36)),
      { minLength: 1, maxLength: 6 },
    )
    .map((parts) => `k1_${parts.join('_')}`),
  fc.constantFrom('k1_', 'k1_zzzzzzzzzzz', 'k1_zzzzzzzz', `k1_${'1_'.repeat(5000)}1`, 's72594_4483_1934', 'k1_-1', 'k1_A'),
  unicodeText,
);

/** Query parameters: the named ones (each maybe absent), plus a few stray ones, prototype names included. */
function query(named: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<[string, string][]> {
  const stray = fc.array(
    fc.tuple(fc.constantFrom('__proto__', 'constructor', 'toString', 'x', 'version', 'access_token'), fc.oneof(numberish, fc.constant(''))),
    { maxLength: 2 },
  );
  const wanted = Object.entries(named).map(([name, value]) =>
    fc.option(
      value.map((v): [string, string] => [name, v]),
      { freq: 4 },
    ),
  );
  return fc.tuple(stray, ...wanted).map(([extra, ...chosen]) => [...chosen.filter((entry): entry is [string, string] => entry !== null), ...extra]);
}

/** Every endpoint of the brief, request schemas read from the spec's client-server/*.yaml. */
export function fuzzEndpoints(_ids: FuzzIds): FuzzEndpoint[] {
  const none = query({});
  const backupVersion = query({ version: numberish });
  return [
    { name: 'keys/upload', method: 'POST', path: '/keys/upload', body: requestSchema('keys.yaml', '/keys/upload', 'post'), query: none },
    { name: 'keys/query', method: 'POST', path: '/keys/query', body: requestSchema('keys.yaml', '/keys/query', 'post'), query: none },
    { name: 'keys/claim', method: 'POST', path: '/keys/claim', body: requestSchema('keys.yaml', '/keys/claim', 'post'), query: none },
    { name: 'keys/changes', method: 'GET', path: '/keys/changes', query: query({ from: streamToken, to: streamToken }) },
    {
      name: 'keys/device_signing/upload',
      method: 'POST',
      path: '/keys/device_signing/upload',
      body: requestSchema('cross_signing.yaml', '/keys/device_signing/upload', 'post'),
      query: none,
    },
    {
      name: 'keys/signatures/upload',
      method: 'POST',
      path: '/keys/signatures/upload',
      body: requestSchema('cross_signing.yaml', '/keys/signatures/upload', 'post'),
      query: none,
    },
    {
      name: 'sendToDevice',
      method: 'PUT',
      path: '/sendToDevice/{eventType}/{txnId}',
      body: requestSchema('to_device.yaml', '/sendToDevice/{eventType}/{txnId}', 'put'),
      query: none,
    },
    {
      name: 'room_keys/version POST',
      method: 'POST',
      path: '/room_keys/version',
      body: requestSchema('key_backup.yaml', '/room_keys/version', 'post'),
      query: none,
    },
    { name: 'room_keys/version GET', method: 'GET', path: '/room_keys/version', query: none },
    { name: 'room_keys/version/{v} GET', method: 'GET', path: '/room_keys/version/{version}', query: none },
    {
      name: 'room_keys/version/{v} PUT',
      method: 'PUT',
      path: '/room_keys/version/{version}',
      body: requestSchema('key_backup.yaml', '/room_keys/version/{version}', 'put'),
      query: none,
    },
    { name: 'room_keys/version/{v} DELETE', method: 'DELETE', path: '/room_keys/version/{version}', query: none },
    ...(['PUT', 'GET', 'DELETE'] as const).flatMap((method): FuzzEndpoint[] =>
      ['/room_keys/keys', '/room_keys/keys/{roomId}', '/room_keys/keys/{roomId}/{sessionId}'].map((path) => ({
        name: `${path.replace('/room_keys/', 'room_keys/')} ${method}`,
        method,
        path,
        body: method === 'PUT' ? requestSchema('key_backup.yaml', path, 'put') : undefined,
        query: backupVersion,
      })),
    ),
    { name: '_keyserver/v1/sync', method: 'GET', path: '/_keyserver/v1/sync', query: query({ since: streamToken, timeout: numberish }) },
  ];
}

/** Arbitraries of each path parameter's value, already %-encoded. */
export function pathParams(ids: FuzzIds): Record<string, fc.Arbitrary<string>> {
  return {
    eventType: pathParam(fc.constantFrom('m.room_key_request', 'm.room.encrypted', 'm.test')),
    txnId: pathParam(fc.oneof(fc.uuid(), fc.nat().map(String))),
    version: pathParam(fc.oneof(fc.constantFrom('1', '2'), fc.nat().map(String))),
    roomId: pathParam(ids.roomId),
    sessionId: pathParam(fc.constantFrom('session1', 'session2')),
  };
}
