import fc from 'fast-check';
import { crossSigningKey, signedDeviceKeys, signedFallbackKey, signedOneTimeKeys } from '@app/testing';
import { Json } from './json-tree';
import { FuzzIdentity, idArbitraries } from './fuzz-ids';
import { arbitraryFor } from './schema-arbitrary';
import { mutated } from './body-mutations';
import { bodyText, brokenJson, contentType, nesting } from './raw-bodies';
import { FuzzEndpoint, fuzzEndpoints, pathParams } from './fuzz-endpoints';

/** One HTTP request of the fuzzer; `kind` says how its body was made, for the report. */
export interface FuzzCase {
  readonly endpoint: string;
  readonly kind: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Bodies a real client would send for this identity, correctly signed, so that 2xx paths are reached too. */
// Not fc.stringMatching: its regex arbitrary costs milliseconds per value.
const keyIds = fc.uniqueArray(
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'), minLength: 6, maxLength: 6 }),
  { minLength: 1, maxLength: 5 },
);

function signedBody(endpoint: FuzzEndpoint, identity: FuzzIdentity): fc.Arbitrary<Json> | null {
  if (endpoint.name === 'keys/upload') {
    return fc.tuple(keyIds, fc.boolean()).map(
      ([ids, fallback]) =>
        ({
          device_keys: signedDeviceKeys(identity.device),
          one_time_keys: signedOneTimeKeys(identity.device, ids),
          ...(fallback ? { fallback_keys: signedFallbackKey(identity.device, `F${ids[0]}`) } : {}),
        }) as Json,
    );
  }
  if (endpoint.name === 'keys/device_signing/upload') {
    return fc.constant(null).map(() => {
      const master = crossSigningKey(identity.userId, 'master');
      return { master_key: master.object, self_signing_key: crossSigningKey(identity.userId, 'self_signing', master).object } as Json;
    });
  }
  return null;
}

type Body = { kind: string; body?: string };
const noBody: fc.Arbitrary<Body> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'no body' }) },
  { weight: 1, arbitrary: fc.constantFrom({ kind: 'unexpected body', body: '{"a":1}' }, { kind: 'unexpected body', body: '{' }) },
);

/** Bodies for one endpoint as one identity; `fromSchema` is built once per endpoint (building arbitraries is the slow part). */
function bodyFor(endpoint: FuzzEndpoint, identity: FuzzIdentity, fromSchema: fc.Arbitrary<Json> | undefined): fc.Arbitrary<Body> {
  if (!fromSchema) return noBody;
  const signed = signedBody(endpoint, identity);
  const valid = signed ? fc.oneof({ weight: 2, arbitrary: fromSchema }, { weight: 1, arbitrary: signed }) : fromSchema;
  return fc.tuple(valid, nesting).chain(([value, deep]) => {
    const text = bodyText(value, deep);
    return fc.oneof(
      { weight: 3, arbitrary: fc.constant({ kind: 'valid-shaped', body: text }) },
      { weight: 5, arbitrary: mutated(value).map((m) => ({ kind: 'mutated', body: bodyText(m, deep) })) },
      { weight: 1, arbitrary: brokenJson(text).map((body) => ({ kind: 'bad JSON', body })) },
      { weight: 1, arbitrary: fc.constant({ kind: 'no body' }) },
    );
  });
}

const otherMethod = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH');
const authorization = fc.oneof(
  { weight: 40, arbitrary: fc.constant('token') },
  { weight: 1, arbitrary: fc.constantFrom('none', 'Bearer ', 'Bearer garbage', 'Basic abc', 'query') },
);

/** Requests over every endpoint, as each of the fuzz identities. */
export function fuzzCases(identities: readonly FuzzIdentity[], serverName: string): fc.Arbitrary<FuzzCase> {
  const ids = idArbitraries(identities, serverName);
  const endpoints = fuzzEndpoints(ids);
  const params = pathParams(ids);
  const schemaBodies = new Map(endpoints.map((endpoint) => [endpoint, endpoint.body && arbitraryFor(endpoint.body, ids)]));
  return fc
    .tuple(
      fc.constantFrom(...identities),
      fc.constantFrom(...endpoints),
      fc.oneof({ weight: 20, arbitrary: fc.constantFrom('v3', 'r0', 'unstable') }, { weight: 1, arbitrary: fc.constantFrom('v1', 'v4', '') }),
    )
    .chain(([identity, endpoint, version]) => {
      const names = [...endpoint.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      return fc.record({
        identity: fc.constant(identity),
        endpoint: fc.constant(endpoint),
        version: fc.constant(version),
        values: fc.tuple(...names.map((name) => params[name])).map((values) => Object.fromEntries(names.map((name, i) => [name, values[i]]))),
        query: endpoint.query,
        method: fc.oneof({ weight: 25, arbitrary: fc.constant(endpoint.method) }, { weight: 1, arbitrary: otherMethod }),
        body: bodyFor(endpoint, identity, schemaBodies.get(endpoint)),
        contentType,
        authorization,
      });
    })
    .map(({ identity, endpoint, version, values, query, method, body, contentType: type, authorization: auth }) => {
      const route = endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name]);
      const prefixed = route.startsWith('/_') ? route : `/_matrix/client/${version}${route}`;
      const pairs = auth === 'query' ? [...query, ['access_token', identity.token]] : query;
      const search = pairs.length
        ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '?'))}`).join('&')}`
        : '';
      const headers: Record<string, string> = {};
      if (auth === 'token') headers.authorization = `Bearer ${identity.token}`;
      else if (auth !== 'none' && auth !== 'query') headers.authorization = auth;
      if (body.body !== undefined && type !== undefined) headers['content-type'] = type;
      return { endpoint: endpoint.name, kind: body.kind, method, path: prefixed + search, headers, body: body.body };
    });
}
