import { DomainEvent } from '@app/contracts';
import { own } from '@app/matrix';
import { CLAIMED_KEY_NAMES_KEPT, DeviceState, DevicesState, RECENT_CLAIMS_KEPT, algorithmOf, emptyDevice } from './devices.state';

/** The events of the devices aggregate, picked by type from the one union of all events. */
export type DevicesEvent = Extract<
  DomainEvent,
  {
    type:
      | 'DeviceKeysUploaded'
      | 'OneTimeKeysUploaded'
      | 'FallbackKeyUploaded'
      | 'OneTimeKeyClaimed'
      | 'FallbackKeyUsed'
      | 'ClaimDecided'
      | 'DeviceDisplayNameChanged'
      | 'ToDeviceQueued'
      | 'ToDeviceAcked'
      | 'ToDeviceDropped'
      | 'DeviceDeleted';
  }
>;

/** Generic in the state so that the composed per-key state keeps its other fields (and their order). */
export function evolveDevices<S extends DevicesState>(state: S, event: DevicesEvent): S {
  if (event.type === 'ClaimDecided') return state; // its command id is what counts (user-keys.evolve.ts)
  const { deviceId } = event.data;
  const device = own(state.devices, deviceId) ?? emptyDevice();
  switch (event.type) {
    case 'DeviceKeysUploaded':
      return withDevice(state, deviceId, { ...device, keysJson: event.data.keysJson });
    case 'OneTimeKeysUploaded': {
      const added = event.data.keys.map((k) => ({ keyName: k.keyName, algorithm: algorithmOf(k.keyName), json: k.json }));
      return withDevice(state, deviceId, { ...device, oneTimeKeys: [...device.oneTimeKeys, ...added] });
    }
    case 'FallbackKeyUploaded': {
      const { algorithm, key } = event.data;
      const others = device.fallbackKeys.filter((f) => f.algorithm !== algorithm);
      return withDevice(state, deviceId, { ...device, fallbackKeys: [...others, { algorithm, keyName: key.keyName, json: key.json, used: false }] });
    }
    case 'OneTimeKeyClaimed': {
      const { keyName } = event.data;
      const taken = device.oneTimeKeys.find((k) => k.keyName === keyName);
      const claimed = {
        ...device,
        oneTimeKeys: device.oneTimeKeys.filter((k) => k.keyName !== keyName),
        claimedKeyNames: [...device.claimedKeyNames.slice(-(CLAIMED_KEY_NAMES_KEPT - 1)), keyName],
      };
      const recorded = taken ? recordClaim(state, event.causationId, deviceId, keyName, taken.json, false) : state;
      return withDevice(recorded, deviceId, claimed);
    }
    case 'FallbackKeyUsed': {
      const { algorithm, keyName } = event.data;
      const fallback = device.fallbackKeys.find((f) => f.algorithm === algorithm && f.keyName === keyName);
      if (!fallback) return state;
      const used = { ...device, fallbackKeys: device.fallbackKeys.map((f) => (f === fallback ? { ...f, used: true } : f)) };
      return withDevice(recordClaim(state, event.causationId, deviceId, keyName, fallback.json, true), deviceId, used);
    }
    case 'DeviceDisplayNameChanged':
      return withDevice(state, deviceId, { ...device, displayName: event.data.displayName });
    case 'ToDeviceQueued':
      return withDevice(state, deviceId, { ...device, toDevice: { lastSeq: event.data.seq, ackedSeq: device.toDevice?.ackedSeq ?? 0 } });
    case 'ToDeviceAcked':
      return withDevice(state, deviceId, { ...device, toDevice: { lastSeq: device.toDevice?.lastSeq ?? 0, ackedSeq: event.data.upToSeq } });
    case 'ToDeviceDropped':
      return state;
    case 'DeviceDeleted': {
      // Its keys, one-time keys and fallback keys go with it; the id may come back as a new device.
      const { [deviceId]: _deleted, ...devices } = state.devices;
      return { ...state, devices };
    }
    default: {
      const unhandled: never = event;
      throw new Error(`evolveDevices: unhandled event ${(unhandled as DevicesEvent).type}`);
    }
  }
}

function withDevice<S extends DevicesState>(state: S, deviceId: string, device: DeviceState): S {
  return { ...state, devices: { ...state.devices, [deviceId]: device } };
}

function recordClaim<S extends DevicesState>(state: S, commandId: string | null, deviceId: string, keyName: string, json: string, fallback: boolean): S {
  if (commandId === null) return state;
  const kept = state.recentClaims.slice(-(RECENT_CLAIMS_KEPT - 1));
  return { ...state, recentClaims: [...kept, { commandId, deviceId, keyName, json, fallback }] };
}
