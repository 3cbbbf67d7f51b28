import { MatrixError, canonicalJson } from '@app/matrix';
import { newDeviceIdentity, signObject, signedDeviceKeys } from '@app/testing';
import { checkDeviceKeys } from './device-keys.check';

const device = newDeviceIdentity('@alice:example.org', 'ALICEDEV');
const requester = { userId: device.userId, deviceId: device.deviceId };

function errcodeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as MatrixError).errcode;
  }
  return undefined;
}

describe('checkDeviceKeys', () => {
  it('returns the canonical JSON of a correctly self-signed upload, without unsigned', () => {
    const keys = signedDeviceKeys(device);
    expect(checkDeviceKeys({ ...keys, unsigned: { x: 1 } }, requester, device.deviceId, true)).toBe(canonicalJson(keys));
  });

  it('refuses keys for another user or another device with M_BAD_JSON', () => {
    const keys = signedDeviceKeys(device);
    expect(errcodeOf(() => checkDeviceKeys(keys, { userId: '@mallory:example.org', deviceId: 'ALICEDEV' }, 'ALICEDEV', true))).toBe('M_BAD_JSON');
    expect(errcodeOf(() => checkDeviceKeys(keys, requester, 'OTHERDEV', true))).toBe('M_BAD_JSON');
  });

  it('refuses a wrong self-signature with M_INVALID_SIGNATURE, unless the check is turned off', () => {
    const other = newDeviceIdentity(device.userId, device.deviceId);
    const forged = signObject({ ...signedDeviceKeys(device), signatures: {} }, device.userId, `ed25519:${device.deviceId}`, other.privateKey);
    expect(errcodeOf(() => checkDeviceKeys(forged, requester, device.deviceId, true))).toBe('M_INVALID_SIGNATURE');
    expect(errcodeOf(() => checkDeviceKeys({ ...signedDeviceKeys(device), algorithms: ['changed'] }, requester, device.deviceId, true))).toBe(
      'M_INVALID_SIGNATURE',
    );
    expect(checkDeviceKeys(forged, requester, device.deviceId, false)).toBe(canonicalJson(forged));
  });

  it('refuses floats, which canonical JSON cannot carry', () => {
    expect(errcodeOf(() => checkDeviceKeys({ ...signedDeviceKeys(device), extra: 1.5 }, requester, device.deviceId, false))).toBe('M_BAD_JSON');
  });
});
