import { UploadKeysCommand, UploadedKey } from '@app/contracts';
import { canonicalJson, own, verifyObjectSignature } from '@app/matrix';
import { Decision, reject } from '../shared/decision';
import { deviceEd25519 } from '../shared/device-keys';
import { eventOf } from '../shared/event-of';
import { DevicesState, algorithmOf, emptyDevice, oneTimeKeyCounts } from './devices.state';
import { DevicesEvent, evolveDevices } from './devices.evolve';

/** What an upload must know of the user's other keys: device ids may not clash with cross-signing keys. */
export interface UploadContext {
  isCrossSigningKey(keyId: string): boolean;
}

/**
 * Device keys: the first upload is recorded, an identical one is a no-op, a different one is refused.
 * One-time keys: new ones join the pool in upload order; a known id with the same content (ignoring
 * signatures) is a no-op, with other content it is refused; an id already handed out is ignored.
 * Fallback keys: the identical key keeps its `used` flag, a different one replaces it as unused.
 */
export function decideUpload(state: DevicesState, command: UploadKeysCommand, context: UploadContext): Decision {
  const { userId, deviceId, deviceKeysJson, oneTimeKeys, fallbackKeys, verifySignatures } = command.data;
  const events: DevicesEvent[] = [];
  const event = <E extends DevicesEvent>(type: E['type'], data: E['data']): void => {
    events.push(eventOf<E>(command, events.length, type, data));
  };
  const known = own(state.devices, deviceId);
  const device = known ?? emptyDevice();
  // A device known only from its login (no keys yet) is checked too: its first upload is the clash.
  if (device.keysJson === null && context.isCrossSigningKey(deviceId)) {
    return reject('KEY_ID_IN_USE', 'Key ID in use: a cross-signing key has this id');
  }

  if (deviceKeysJson !== null) {
    if (device.keysJson !== null && device.keysJson !== deviceKeysJson) {
      return reject('DEVICE_KEYS_CHANGED', `Device keys for ${deviceId} already exist and differ; log in again to get a new device id`);
    }
    if (device.keysJson === null) event('DeviceKeysUploaded', { userId, deviceId, keysJson: deviceKeysJson });
  }
  const signingKey = ed25519Of(deviceKeysJson ?? device.keysJson, deviceId);

  const newKeys: UploadedKey[] = [];
  for (const key of oneTimeKeys) {
    const pooled = device.oneTimeKeys.find((k) => k.keyName === key.keyName);
    if (pooled) {
      if (!sameContent(pooled.json, key.json)) return reject('ONE_TIME_KEY_CHANGED', `One-time key ${key.keyName} already exists with other content`);
      continue;
    }
    if (device.claimedKeyNames.includes(key.keyName)) continue; // a retried upload: never back into the pool
    const invalid = checkSignature(key, userId, deviceId, signingKey, verifySignatures);
    if (invalid) return reject('INVALID_SIGNATURE', invalid);
    newKeys.push(key);
  }
  if (newKeys.length > 0) event('OneTimeKeysUploaded', { userId, deviceId, keys: newKeys });

  for (const key of fallbackKeys) {
    const algorithm = algorithmOf(key.keyName);
    const current = device.fallbackKeys.find((f) => f.algorithm === algorithm);
    if (current && current.keyName === key.keyName && sameContent(current.json, key.json)) continue;
    const invalid = checkSignature(key, userId, deviceId, signingKey, verifySignatures);
    if (invalid) return reject('INVALID_SIGNATURE', invalid);
    event('FallbackKeyUploaded', { userId, deviceId, algorithm, key });
  }

  const after = events.reduce(evolveDevices, state);
  return { ok: true, events, result: { kind: 'upload', oneTimeKeyCounts: oneTimeKeyCounts(own(after.devices, deviceId)) } };
}

/** The result of an upload already decided (a redelivered command): the counts as they are now. */
export function uploadResult(state: DevicesState, deviceId: string): Decision {
  return { ok: true, events: [], result: { kind: 'upload', oneTimeKeyCounts: oneTimeKeyCounts(own(state.devices, deviceId)) } };
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

function ed25519Of(keysJson: string | null, deviceId: string): string | null {
  return keysJson === null ? null : (deviceEd25519(keysJson, deviceId) ?? null);
}

/** `signed_*` keys must be signed by the device's ed25519 key; returns why not, or null. */
function checkSignature(key: UploadedKey, userId: string, deviceId: string, signingKey: string | null, verify: boolean): string | null {
  if (!verify || !algorithmOf(key.keyName).startsWith('signed_')) return null;
  if (signingKey === null) return `Cannot verify ${key.keyName}: upload the device keys of ${deviceId} first`;
  const value = JSON.parse(key.json) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${key.keyName} must be a signed key object`;
  return verifyObjectSignature(value as Record<string, unknown>, userId, `ed25519:${deviceId}`, signingKey)
    ? null
    : `${key.keyName} is not correctly signed by ed25519:${deviceId}`;
}
