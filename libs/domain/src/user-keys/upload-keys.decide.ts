import { DomainEvent, UploadKeysCommand, UploadedKey } from '@app/contracts';
import { canonicalJson } from '@app/matrix';
import { signedKeyProblem, signingKeyOf } from './signed-keys.check';
import { Decision, reject } from './decision';
import { eventOf } from './event-of';
import { DeviceState, UserKeysState, algorithmOf, emptyDevice, oneTimeKeyCounts } from './user-keys.state';
import { evolveUserKeys } from './user-keys.evolve';

/**
 * Device keys: the first upload is recorded, an identical one is a no-op, a different one is refused.
 * One-time keys: new ones join the pool in upload order; a known id with the same content (ignoring
 * signatures) is a no-op, with other content it is refused; an id already handed out is ignored.
 * Fallback keys: the identical key keeps its `used` flag, a different one replaces it as unused.
 */
export function decideUpload(state: UserKeysState, command: UploadKeysCommand): Decision {
  const { userId, deviceId, deviceKeysJson, oneTimeKeys, fallbackKeys } = command.data;
  const events: DomainEvent[] = [];
  const event = <E extends DomainEvent>(type: E['type'], data: E['data']): void => {
    events.push(eventOf<E>(command, events.length, type, data));
  };
  const device = state.devices[deviceId] ?? emptyDevice();
  if (!state.devices[deviceId] && Object.values(state.crossSigning?.keys ?? {}).some((k) => k?.publicKey === deviceId)) {
    return reject('KEY_ID_IN_USE', 'Key ID in use: a cross-signing key has this id');
  }

  if (deviceKeysJson !== null) {
    if (device.keysJson !== null && device.keysJson !== deviceKeysJson) {
      return reject('DEVICE_KEYS_CHANGED', `Device keys for ${deviceId} already exist and differ; log in again to get a new device id`);
    }
    if (device.keysJson === null) event('DeviceKeysUploaded', { userId, deviceId, keysJson: deviceKeysJson });
  }
  const signingKey = signingKeyOf(deviceKeysJson ?? device.keysJson, deviceId);
  // Checked at the edge against this very key: nothing left to verify here.
  const verifySignatures = command.data.verifySignatures && !(signingKey !== null && command.data.signaturesVerifiedWith === signingKey);

  const newKeys: UploadedKey[] = [];
  for (const key of oneTimeKeys) {
    const pooled = device.oneTimeKeys.find((k) => k.keyName === key.keyName);
    if (pooled) {
      if (!sameContent(pooled.json, key.json)) return reject('ONE_TIME_KEY_CHANGED', `One-time key ${key.keyName} already exists with other content`);
      continue;
    }
    if (device.claimedKeyNames.includes(key.keyName)) continue; // a retried upload: never back into the pool
    const invalid = verifySignatures ? signedKeyProblem(key, userId, deviceId, signingKey) : null;
    if (invalid) return reject('INVALID_SIGNATURE', invalid);
    newKeys.push(key);
  }
  if (newKeys.length > 0) event('OneTimeKeysUploaded', { userId, deviceId, keys: newKeys });

  for (const key of fallbackKeys) {
    const algorithm = algorithmOf(key.keyName);
    const current = device.fallbackKeys.find((f) => f.algorithm === algorithm);
    if (current && current.keyName === key.keyName && sameContent(current.json, key.json)) continue;
    const invalid = verifySignatures ? signedKeyProblem(key, userId, deviceId, signingKey) : null;
    if (invalid) return reject('INVALID_SIGNATURE', invalid);
    event('FallbackKeyUploaded', { userId, deviceId, algorithm, key });
  }

  const after = events.reduce(evolveUserKeys, state);
  return { ok: true, events, result: { kind: 'upload', oneTimeKeyCounts: oneTimeKeyCounts(after.devices[deviceId]) } };
}

/** The result of an upload already decided (a redelivered command): the counts as they are now. */
export function uploadResult(state: UserKeysState, deviceId: string): Decision {
  return { ok: true, events: [], result: { kind: 'upload', oneTimeKeyCounts: oneTimeKeyCounts(state.devices[deviceId]) } };
}

function sameContent(a: string, b: string): boolean {
  if (a === b) return true;
  return withoutSignatures(a) === withoutSignatures(b);
}

function withoutSignatures(json: string): string {
  const value = JSON.parse(json) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return json;
  const { signatures: _signatures, ...rest } = value as Record<string, unknown>;
  return canonicalJson(rest);
}

export type { DeviceState };
