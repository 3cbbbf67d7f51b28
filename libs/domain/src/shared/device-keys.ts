import { own } from '@app/matrix';

/** The device's own `ed25519:<device id>` key in its uploaded `device_keys` JSON, if it has one. */
export function deviceEd25519(keysJson: string, deviceId: string): string | undefined {
  const key = own((JSON.parse(keysJson) as { keys?: Record<string, unknown> }).keys, `ed25519:${deviceId}`);
  return typeof key === 'string' ? key : undefined;
}
