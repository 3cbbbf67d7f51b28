import { randomUUID } from 'node:crypto';
import { HomeserverEvent } from '@app/contracts';

type Json = Record<string, unknown>;
const ids = { next: (): string => `gw:${randomUUID()}` };

/** Port: publishes what the gateway learned on hs.events, as a homeserver bridge would. */
export interface DeviceEventSink {
  publish(events: readonly HomeserverEvent[]): Promise<void>;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** /register or /login answered 200: the device it names exists, with the name the client asked for. */
export function createdBySession(request: unknown, answer: unknown, ts: number, id = ids.next()): HomeserverEvent | null {
  const body = (answer ?? {}) as Json;
  const userId = str(body.user_id);
  const deviceId = str(body.device_id);
  if (!userId || !deviceId) return null; // e.g. register with inhibit_login
  const name = str(((request ?? {}) as Json).initial_device_display_name);
  return { schema: 'hs.v1', id, type: 'device.created', user_id: userId, device_id: deviceId, display_name: name, ts };
}

export function deleted(userId: string, deviceIds: readonly string[], ts: number): HomeserverEvent[] {
  return deviceIds.map((deviceId) => ({ schema: 'hs.v1', id: ids.next(), type: 'device.deleted', user_id: userId, device_id: deviceId, ts }));
}

/** `PUT /devices/{id}` answered 200: only a display_name in the body renames. */
export function renamed(userId: string, deviceId: string, request: unknown, ts: number, id = ids.next()): HomeserverEvent | null {
  const body = (request ?? {}) as Json;
  if (!('display_name' in body)) return null;
  const name = body.display_name;
  if (name !== null && typeof name !== 'string') return null;
  return { schema: 'hs.v1', id, type: 'device.renamed', user_id: userId, device_id: deviceId, display_name: name, ts };
}

/** `/delete_devices` body: the ids it names (the homeserver validated them when it answered 200). */
export function devicesOf(request: unknown): string[] {
  const list = ((request ?? {}) as Json).devices;
  return Array.isArray(list) ? list.filter((d): d is string => typeof d === 'string' && d.length > 0) : [];
}

/** `GET /devices` answer: every device id the user has. */
export function deviceIdsOf(answer: unknown): string[] {
  const list = ((answer ?? {}) as Json).devices;
  return Array.isArray(list) ? list.map((d) => str((d as Json | null)?.device_id)).filter((d): d is string => d !== null) : [];
}
