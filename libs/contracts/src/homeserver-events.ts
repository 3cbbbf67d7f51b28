/**
 * The `hs.events` contract: what a homeserver (or a bridge in front of it) publishes about devices.
 * JSON, one message per change, Kafka key = user id (room id for `room.encryption`). Versioned by
 * `schema`; a field is never reused with another meaning.
 */
export type HomeserverEvent =
  | {
      readonly schema: 'hs.v1';
      readonly id: string;
      readonly type: 'device.created';
      readonly user_id: string;
      readonly device_id: string;
      readonly display_name?: string | null;
      readonly ts: number;
    }
  | {
      readonly schema: 'hs.v1';
      readonly id: string;
      readonly type: 'device.renamed';
      readonly user_id: string;
      readonly device_id: string;
      readonly display_name: string | null;
      readonly ts: number;
    }
  | {
      readonly schema: 'hs.v1';
      readonly id: string;
      readonly type: 'device.deleted';
      readonly user_id: string;
      readonly device_id: string;
      readonly ts: number;
    }
  | {
      readonly schema: 'hs.v1';
      readonly id: string;
      readonly type: 'membership';
      readonly room_id: string;
      readonly user_id: string;
      readonly membership: Membership;
      readonly ts: number;
    }
  | {
      readonly schema: 'hs.v1';
      readonly id: string;
      readonly type: 'room.encryption';
      readonly room_id: string;
      readonly algorithm: string;
      readonly ts: number;
    };

export const MEMBERSHIPS = ['join', 'leave', 'invite', 'ban', 'knock'] as const;
export type Membership = (typeof MEMBERSHIPS)[number];

export class InvalidHomeserverEventError extends Error {}

const DEVICE_TYPES = ['device.created', 'device.renamed', 'device.deleted'];

export function decodeHomeserverEvent(raw: Buffer | null): HomeserverEvent {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse((raw ?? Buffer.alloc(0)).toString('utf8'));
  } catch (err) {
    throw new InvalidHomeserverEventError(`not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidHomeserverEventError('not an object');
  if (value.schema !== 'hs.v1') throw new InvalidHomeserverEventError(`unknown schema ${String(value.schema)}`);
  if (typeof value.id !== 'string' || value.id.length === 0) throw new InvalidHomeserverEventError('id must be a non-empty string');
  if (typeof value.ts !== 'number') throw new InvalidHomeserverEventError('ts must be a number');
  if (value.type === 'membership') {
    if (typeof value.room_id !== 'string' || !value.room_id.startsWith('!')) throw new InvalidHomeserverEventError('room_id must be a room id');
    if (typeof value.user_id !== 'string') throw new InvalidHomeserverEventError('user_id must be a string');
    if (!(MEMBERSHIPS as readonly unknown[]).includes(value.membership))
      throw new InvalidHomeserverEventError(`unknown membership ${String(value.membership)}`);
    return value as unknown as HomeserverEvent;
  }
  if (value.type === 'room.encryption') {
    if (typeof value.room_id !== 'string' || !value.room_id.startsWith('!')) throw new InvalidHomeserverEventError('room_id must be a room id');
    if (typeof value.algorithm !== 'string' || value.algorithm.length === 0) throw new InvalidHomeserverEventError('algorithm must be a non-empty string');
    return value as unknown as HomeserverEvent;
  }
  if (!DEVICE_TYPES.includes(String(value.type))) throw new InvalidHomeserverEventError(`unknown type ${String(value.type)}`);
  if (typeof value.user_id !== 'string' || typeof value.device_id !== 'string' || value.device_id.length === 0) {
    throw new InvalidHomeserverEventError('user_id and device_id must be strings');
  }
  const name = value.display_name;
  if (name !== undefined && name !== null && typeof name !== 'string') throw new InvalidHomeserverEventError('display_name must be a string or null');
  return value as unknown as HomeserverEvent;
}
