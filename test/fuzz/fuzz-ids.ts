import fc from 'fast-check';
import { DeviceIdentity, newDeviceIdentity } from '@app/testing';
import { tokenFor } from '../helpers/matrix-client';
import { PROTO_NAMES } from './json-tree';

/** A user and device the fuzzer sends requests as; some are named like Object.prototype members. */
export interface FuzzIdentity {
  readonly userId: string;
  readonly deviceId: string;
  readonly token: string;
  readonly device: DeviceIdentity;
}

export function fuzzIdentities(serverName: string): FuzzIdentity[] {
  const names: [string, string][] = [
    ['fuzz-a', 'FUZZA'],
    ['fuzz-b', 'FUZZB'],
    ['fuzz-c', 'FUZZC'],
    ...PROTO_NAMES.map((name, i): [string, string] => [name, PROTO_NAMES[(i + 1) % PROTO_NAMES.length]]),
  ];
  return names.map(([local, deviceId]) => {
    const userId = `@${local}:${serverName}`;
    return { userId, deviceId, token: tokenFor(userId, deviceId), device: newDeviceIdentity(userId, deviceId) };
  });
}

const protoName = fc.constantFrom(...PROTO_NAMES);
/** Short strings over all of Unicode, lone surrogates and NUL included. */
// (Not unit 'grapheme': fast-check rebuilds a reverse map of all graphemes for every such value.)
const oddCharacters = fc.constantFrom('\u0000', '\ud800', '\udc00', 'é', 'e\u0301', '👩‍👩‍👧', '\u202e', '\ufeff', '\uffff', '𝄞', '"', '\\', ':', '@', '!');
export const unicodeText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.array(oddCharacters, { maxLength: 6 }).map((chars) => chars.join('')),
);

/** Any of the fuzz ids, as the server would see them in a body, path or query. */
export function idArbitraries(identities: readonly FuzzIdentity[], serverName: string) {
  const known = <T>(pick: (identity: FuzzIdentity) => T) => fc.constantFrom(...identities.map(pick));
  const userId = fc.oneof(
    { weight: 6, arbitrary: known((i) => i.userId) },
    { weight: 1, arbitrary: protoName.map((name) => `@${name}:${serverName}`) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        protoName,
        unicodeText.map((text) => `@${text}:${serverName}`),
        fc.constantFrom('@', '@:', '@x', `@remote:elsewhere.example`, `@${'u'.repeat(300)}:${serverName}`),
      ),
    },
  );
  const deviceId = fc.oneof(
    { weight: 5, arbitrary: known((i) => i.deviceId) },
    { weight: 1, arbitrary: protoName },
    { weight: 1, arbitrary: fc.oneof(unicodeText, fc.constant('*')) },
  );
  const roomId = fc.oneof(
    fc.constant(`!room:${serverName}`),
    protoName.map((name) => `!${name}:${serverName}`),
    protoName,
    unicodeText.map((text) => `!${text}:${serverName}`),
  );
  /** Names of map entries that are neither user nor room ids: key ids, algorithms, session ids. */
  const mapKey = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('signed_curve25519:AAAAAQ', 'curve25519:AAAAAg', 'signed_curve25519', 'session1', 'm.megolm.v1.aes-sha2') },
    { weight: 2, arbitrary: deviceId.map((device) => `ed25519:${device}`) },
    { weight: 1, arbitrary: deviceId },
    { weight: 1, arbitrary: protoName },
    { weight: 1, arbitrary: unicodeText },
  );
  return { userId, deviceId, roomId, mapKey };
}

export type FuzzIds = ReturnType<typeof idArbitraries>;

/** A path parameter: ordinary, a prototype name, Unicode, reserved characters, or long. */
export function pathParam(ordinary: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const encoded = fc
    .oneof(
      { weight: 6, arbitrary: ordinary },
      { weight: 2, arbitrary: protoName },
      { weight: 1, arbitrary: unicodeText },
      { weight: 1, arbitrary: fc.constantFrom('..', '.', '/', '?', '#', '%', '%2F', ' ', '+', '*') },
      { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 250, max: 3000 }), fc.constantFrom('x', 'é', '!')).map(([n, c]) => c.repeat(n)) },
    )
    .map((value) => encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '?'))); // encodeURIComponent throws on a lone surrogate
  // Bad %-escapes and a raw UTF-8 escape of a lone byte, sent as they are.
  return fc.oneof({ weight: 30, arbitrary: encoded }, { weight: 1, arbitrary: fc.constantFrom('%zz', '%', '%E9', '%C0%80', '%00') });
}
