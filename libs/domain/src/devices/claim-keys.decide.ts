import { ClaimKeysCommand, ClaimKeysResult, DomainEvent, EventOf } from '@app/contracts';
import { own } from '@app/matrix';
import { Decision } from '../shared/decision';
import { eventOf } from '../shared/event-of';
import { DevicesState } from './devices.state';

type Claimed = ClaimKeysResult['claimed'][number];

/**
 * Each listed device gives its oldest one-time key of the algorithm, at most once ever; with none
 * left, its fallback key (marked used the first time) until a new one replaces it. Devices with
 * neither are simply absent from the result. A claim that records nothing else records ClaimDecided.
 */
export function decideClaim(state: DevicesState, command: ClaimKeysCommand): Decision {
  const { userId, claims, claimedBy } = command.data;
  const events: DomainEvent[] = [];
  const claimed: Claimed[] = [];
  for (const { deviceId, algorithm } of claims) {
    const device = own(state.devices, deviceId);
    if (!device) continue;
    const oneTimeKey = device.oneTimeKeys.find((k) => k.algorithm === algorithm);
    if (oneTimeKey) {
      events.push(
        eventOf<EventOf<'OneTimeKeyClaimed'>>(command, events.length, 'OneTimeKeyClaimed', {
          userId,
          deviceId,
          algorithm,
          keyName: oneTimeKey.keyName,
          claimedBy,
        }),
      );
      claimed.push({ deviceId, keyName: oneTimeKey.keyName, json: oneTimeKey.json, fallback: false });
      continue;
    }
    const fallback = device.fallbackKeys.find((f) => f.algorithm === algorithm);
    if (!fallback) continue;
    if (!fallback.used)
      events.push(eventOf<EventOf<'FallbackKeyUsed'>>(command, events.length, 'FallbackKeyUsed', { userId, deviceId, algorithm, keyName: fallback.keyName }));
    claimed.push({ deviceId, keyName: fallback.keyName, json: fallback.json, fallback: true });
  }
  // Remembered even when it changed nothing: a redelivery after an upload must not take a key for
  // an answer that was already given.
  if (events.length === 0) events.push(eventOf<EventOf<'ClaimDecided'>>(command, 0, 'ClaimDecided', { userId, claimedBy }));
  return { ok: true, events, result: { kind: 'claim', claimed } };
}

/**
 * A redelivered claim whose events are already folded in: the keys it took are in the recent
 * claims; devices it found without a one-time key got their fallback key, which they still have.
 */
export function claimResult(state: DevicesState, command: ClaimKeysCommand): Decision {
  const recorded = state.recentClaims.filter((c) => c.commandId === command.id);
  const claimed: Claimed[] = recorded.map(({ deviceId, keyName, json, fallback }) => ({ deviceId, keyName, json, fallback }));
  for (const { deviceId, algorithm } of command.data.claims) {
    if (claimed.some((c) => c.deviceId === deviceId)) continue;
    const fallback = own(state.devices, deviceId)?.fallbackKeys.find((f) => f.algorithm === algorithm);
    if (fallback) claimed.push({ deviceId, keyName: fallback.keyName, json: fallback.json, fallback: true });
  }
  return { ok: true, events: [], result: { kind: 'claim', claimed } };
}
