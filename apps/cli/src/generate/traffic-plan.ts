import { HomeserverEvent } from '@app/contracts';
import { Rng } from './prng';
import { ZipfSampler } from './distributions';
import { Population, deviceIdOf } from './population';

/** One thing a homeserver or a client does. Key material is made by the sink, from these ids. */
export type Operation =
  | { readonly kind: 'hs'; readonly events: readonly HomeserverEvent[] }
  | {
      readonly kind: 'upload';
      readonly userId: string;
      readonly deviceId: string;
      readonly deviceKeys: boolean;
      readonly oneTimeKeyIds: readonly string[];
      readonly fallbackId: string | null;
    }
  | { readonly kind: 'claim'; readonly claimer: string; readonly userId: string; readonly deviceId: string }
  | { readonly kind: 'query'; readonly requester: string; readonly users: readonly string[]; readonly storm: boolean }
  | { readonly kind: 'changes'; readonly requester: string };

export type OperationKind = Operation['kind'];

export interface TrafficOptions {
  /** One-time keys a client keeps on the server; it tops up when the count falls to half. */
  readonly oneTimeKeyTarget: number;
  /** Members who query the whole room when a large room turns encryption on. */
  readonly stormQueriers: number;
  /** Most users per /keys/query (the server's limit is 10,000). */
  readonly maxQueryUsers: number;
  readonly serverName: string;
  /** Homeserver event ids are `$<idPrefix><n>`: unique per run, so a second run is not taken for a resend. */
  readonly idPrefix: string;
  readonly ts: () => number;
}

/** Relative weights of the steady-state mix (per operation drawn). */
export const TRAFFIC_MIX = { claim: 40, query: 20, changes: 8, churn: 24, login: 4, logout: 3, encrypt: 1 } as const;

/**
 * The traffic of a population, as a deterministic sequence: first the set-up (devices log in and
 * upload keys, members join, rooms turn encryption on), then a steady mix for as long as asked.
 * A model of the server-side one-time-key counts drives replenishment: a claim takes a key (or the
 * fallback once none is left) and a device whose count falls to half uploads the difference.
 */
export class TrafficPlan {
  private readonly otkCounts = new Map<string, number>();
  private readonly nextKeyId = new Map<string, number>();
  private readonly deviceCounter: number[];
  private readonly roomZipf: ZipfSampler;
  private eventSeq = 0;
  private readonly pending: Operation[] = [];

  constructor(
    private readonly population: Population,
    private readonly options: TrafficOptions,
    private readonly rng: Rng,
  ) {
    this.deviceCounter = population.users.map((u) => u.devices.length);
    this.roomZipf = new ZipfSampler(Math.max(1, population.rooms.length), 1);
  }

  /** Set-up: every device is created and uploads its keys; every member joins; some rooms are encrypted. */
  *setup(): Generator<Operation> {
    const { users, rooms } = this.population;
    for (let u = 0; u < users.length; u++) {
      const user = users[u];
      for (let i = 0; i < user.devices.length; i += 200) {
        yield { kind: 'hs', events: user.devices.slice(i, i + 200).map((d) => this.deviceEvent('device.created', user.userId, d)) };
      }
      for (const deviceId of user.devices) yield this.firstUpload(user.userId, deviceId);
    }
    for (const room of rooms) {
      const members = [...room.members];
      for (let i = 0; i < members.length; i += 200) {
        yield { kind: 'hs', events: members.slice(i, i + 200).map((m) => this.membership(room.roomId, users[m].userId, 'join')) };
      }
      if (room.encrypted) yield { kind: 'hs', events: [this.encryption(room.roomId)] };
    }
  }

  /** The steady-state mix, forever; the caller stops taking when its time or count is up. */
  *traffic(): Generator<Operation> {
    for (;;) {
      const queued = this.pending.shift();
      if (queued) {
        yield queued;
        continue;
      }
      yield* this.draw();
    }
  }

  private *draw(): Generator<Operation> {
    const { users, rooms } = this.population;
    const total = Object.values(TRAFFIC_MIX).reduce((s, w) => s + w, 0);
    let x = this.rng.next() * total;
    const pickKind = (): keyof typeof TRAFFIC_MIX => {
      for (const [kind, w] of Object.entries(TRAFFIC_MIX) as [keyof typeof TRAFFIC_MIX, number][]) {
        if ((x -= w) < 0) return kind;
      }
      return 'claim';
    };
    const kind = pickKind();
    const u = this.rng.int(users.length);
    const user = users[u];
    switch (kind) {
      case 'claim': {
        const target = users[this.rng.int(users.length)];
        if (target.devices.length === 0) return;
        const deviceId = this.rng.pick(target.devices);
        yield { kind: 'claim', claimer: user.userId, userId: target.userId, deviceId };
        const slot = `${target.userId}|${deviceId}`;
        const left = Math.max(0, (this.otkCounts.get(slot) ?? 0) - 1);
        this.otkCounts.set(slot, left);
        if (left <= this.options.oneTimeKeyTarget / 2) this.pending.push(this.topUp(target.userId, deviceId));
        return;
      }
      case 'query': {
        const room = rooms[this.roomZipf.sample(this.rng) - 1];
        if (!room) return;
        yield { kind: 'query', requester: user.userId, users: this.memberIds(room.members), storm: false };
        return;
      }
      case 'changes':
        yield { kind: 'changes', requester: user.userId };
        return;
      case 'churn': {
        const room = rooms[this.roomZipf.sample(this.rng) - 1];
        if (!room) return;
        const leaving = room.members.has(u);
        if (leaving) room.members.delete(u);
        else room.members.add(u);
        yield { kind: 'hs', events: [this.membership(room.roomId, user.userId, leaving ? 'leave' : 'join')] };
        return;
      }
      case 'login': {
        const deviceId = deviceIdOf(u, this.deviceCounter[u]++);
        user.devices.push(deviceId);
        yield { kind: 'hs', events: [this.deviceEvent('device.created', user.userId, deviceId)] };
        yield this.firstUpload(user.userId, deviceId);
        return;
      }
      case 'logout': {
        if (user.devices.length <= 1) return;
        const deviceId = user.devices.splice(this.rng.int(user.devices.length), 1)[0];
        this.otkCounts.delete(`${user.userId}|${deviceId}`);
        yield { kind: 'hs', events: [this.deviceEvent('device.deleted', user.userId, deviceId)] };
        return;
      }
      case 'encrypt': {
        const room = rooms.find((r) => !r.encrypted);
        if (!room) return;
        room.encrypted = true;
        yield { kind: 'hs', events: [this.encryption(room.roomId)] };
        // The storm: members' clients learn the room is encrypted and query every member's keys.
        const members = [...room.members];
        const everyone = this.memberIds(room.members);
        for (let i = 0; i < Math.min(this.options.stormQueriers, members.length); i++) {
          yield { kind: 'query', requester: users[members[this.rng.int(members.length)]].userId, users: everyone, storm: true };
        }
        return;
      }
    }
  }

  private memberIds(members: ReadonlySet<number>): string[] {
    const ids: string[] = [];
    for (const m of members) {
      if (ids.length >= this.options.maxQueryUsers) break;
      ids.push(this.population.users[m].userId);
    }
    return ids;
  }

  private firstUpload(userId: string, deviceId: string): Operation {
    const slot = `${userId}|${deviceId}`;
    this.otkCounts.set(slot, this.options.oneTimeKeyTarget);
    return { kind: 'upload', userId, deviceId, deviceKeys: true, oneTimeKeyIds: this.keyIds(slot, this.options.oneTimeKeyTarget), fallbackId: 'fb0' };
  }

  private topUp(userId: string, deviceId: string): Operation {
    const slot = `${userId}|${deviceId}`;
    const missing = this.options.oneTimeKeyTarget - (this.otkCounts.get(slot) ?? 0);
    this.otkCounts.set(slot, this.options.oneTimeKeyTarget);
    return { kind: 'upload', userId, deviceId, deviceKeys: false, oneTimeKeyIds: this.keyIds(slot, missing), fallbackId: null };
  }

  private keyIds(slot: string, count: number): string[] {
    const first = this.nextKeyId.get(slot) ?? 0;
    this.nextKeyId.set(slot, first + count);
    return Array.from({ length: count }, (_, i) => `k${first + i}`);
  }

  private membership(roomId: string, userId: string, membership: 'join' | 'leave'): HomeserverEvent {
    return {
      schema: 'hs.v1',
      id: `$${this.options.idPrefix}${++this.eventSeq}`,
      type: 'membership',
      room_id: roomId,
      user_id: userId,
      membership,
      ts: this.options.ts(),
    };
  }

  private encryption(roomId: string): HomeserverEvent {
    return {
      schema: 'hs.v1',
      id: `$${this.options.idPrefix}${++this.eventSeq}`,
      type: 'room.encryption',
      room_id: roomId,
      algorithm: 'm.megolm.v1.aes-sha2',
      ts: this.options.ts(),
    };
  }

  private deviceEvent(type: 'device.created' | 'device.deleted', userId: string, deviceId: string): HomeserverEvent {
    const id = `$${this.options.idPrefix}${++this.eventSeq}`;
    const ts = this.options.ts();
    return type === 'device.created'
      ? { schema: 'hs.v1', id, type, user_id: userId, device_id: deviceId, display_name: `Device ${deviceId}`, ts }
      : { schema: 'hs.v1', id, type, user_id: userId, device_id: deviceId, ts };
  }
}
