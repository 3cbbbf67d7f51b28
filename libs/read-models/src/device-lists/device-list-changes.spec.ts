import { DomainEvent, PositionVector, RecordedEvent, decodeStreamToken, encodeStreamToken, laterOf } from '@app/contracts';
import { DeviceListChanges, deviceListChanges } from './device-list-changes';
import { DeviceListRow, MembershipRow, planDeviceListRows } from './device-list-rows';

/** A tiny log: each user (and room, for encryption) has its own partition, offsets count up. */
class Log {
  readonly rows: DeviceListRow[] = [];
  private readonly ends: number[] = [];
  private readonly partitionOf = new Map<string, number>();

  private append(key: string, event: Omit<DomainEvent, 'id' | 'schemaVersion' | 'key' | 'time' | 'correlationId' | 'causationId'>): void {
    if (!this.partitionOf.has(key)) this.partitionOf.set(key, this.partitionOf.size);
    const partition = this.partitionOf.get(key)!;
    const offset = (this.ends[partition] = (this.ends[partition] ?? -1) + 1);
    const recorded = {
      event: { ...event, id: `e${offset}`, schemaVersion: 1, key, time: 0, correlationId: 'c', causationId: null },
      partition,
      offset: String(offset),
    } as RecordedEvent;
    const memberships = this.rows.filter((r): r is MembershipRow => r.kind === 'member');
    this.rows.push(...planDeviceListRows([recorded], memberships));
  }

  join(user: string, room: string) {
    this.append(user, { type: 'MembershipChanged', data: { userId: user, roomId: room, membership: 'join' } } as never);
  }
  leave(user: string, room: string) {
    this.append(user, { type: 'MembershipChanged', data: { userId: user, roomId: room, membership: 'leave' } } as never);
  }
  newDevice(user: string, deviceId = 'D') {
    this.append(user, { type: 'DeviceKeysUploaded', data: { userId: user, deviceId, keysJson: '{}' } } as never);
  }
  sign(signer: string, targets: string[]) {
    const signatures = targets.map((t) => ({ targetUserId: t, keyId: 'K', targetKey: 'K', signerKeyId: 'ed25519:S', signature: `by ${signer}` }));
    this.append(signer, { type: 'SignaturesUploaded', data: { userId: signer, signatures } } as never);
  }
  encrypt(room: string) {
    this.append(room, { type: 'RoomEncryptionEnabled', data: { roomId: room, algorithm: 'm.megolm.v1.aes-sha2' } } as never);
  }
  token(): PositionVector {
    return Array.from({ length: this.partitionOf.size }, (_, p) => this.ends[p] ?? -1);
  }
  changes(reader: string, from: PositionVector, encryptedRoomsOnly = false): DeviceListChanges {
    return deviceListChanges(reader, from, this.rows, { encryptedRoomsOnly });
  }
}

describe('device list changes (changed / left)', () => {
  it('a user always sees their own device changes, even in no room', () => {
    const log = new Log();
    const from = log.token();
    log.newDevice('@a');
    expect(log.changes('@a', from)).toEqual({ changed: ['@a'], left: [] });
    expect(log.changes('@a', log.token())).toEqual({ changed: [], left: [] });
  });

  it('a device change reaches everyone sharing a room, and only them', () => {
    const log = new Log();
    log.join('@a', '!r');
    log.join('@b', '!r');
    log.join('@c', '!other');
    const from = log.token();
    log.newDevice('@b');
    expect(log.changes('@a', from)).toEqual({ changed: ['@b'], left: [] });
    expect(log.changes('@b', from)).toEqual({ changed: ['@b'], left: [] });
    expect(log.changes('@c', from)).toEqual({ changed: [], left: [] });
  });

  it("starting to share a room puts each in the other one's changed; sharing no room any more puts each in left", () => {
    const log = new Log();
    log.join('@a', '!r');
    const before = log.token();
    log.join('@b', '!r');
    expect(log.changes('@a', before)).toEqual({ changed: ['@b'], left: [] });
    expect(log.changes('@b', before)).toEqual({ changed: ['@a'], left: [] });
    const shared = log.token();
    log.leave('@b', '!r');
    expect(log.changes('@a', shared)).toEqual({ changed: [], left: ['@b'] });
    expect(log.changes('@b', shared)).toEqual({ changed: [], left: ['@a'] });
  });

  it('leaving one of two shared rooms is not leaving', () => {
    const log = new Log();
    for (const room of ['!r1', '!r2']) {
      log.join('@a', room);
      log.join('@b', room);
    }
    const from = log.token();
    log.leave('@b', '!r1');
    expect(log.changes('@a', from)).toEqual({ changed: [], left: [] });
    expect(log.changes('@b', from)).toEqual({ changed: [], left: [] });
  });

  it('leave, change keys, rejoin: changed again (the change while away is not missed)', () => {
    const log = new Log();
    log.join('@a', '!r');
    log.join('@b', '!r');
    const from = log.token();
    log.leave('@b', '!r');
    const away = log.token();
    log.newDevice('@b');
    log.join('@b', '!r');
    expect(log.changes('@a', from)).toEqual({ changed: ['@b'], left: [] });
    expect(log.changes('@a', away)).toEqual({ changed: ['@b'], left: [] });
  });

  it('a change and then leaving within the window is left, never both', () => {
    const log = new Log();
    log.join('@a', '!r');
    log.join('@b', '!r');
    const from = log.token();
    log.newDevice('@b');
    log.leave('@a', '!r');
    const result = log.changes('@a', from);
    expect(result).toEqual({ changed: [], left: ['@b'] });
  });

  it('with encrypted rooms only, an unencrypted room shares nothing until encryption is turned on', () => {
    const log = new Log();
    log.join('@a', '!r');
    log.join('@b', '!r');
    const from = log.token();
    log.newDevice('@b');
    expect(log.changes('@a', from, true)).toEqual({ changed: [], left: [] });
    expect(log.changes('@a', from, false)).toEqual({ changed: ['@b'], left: [] });
    const unencrypted = log.token();
    log.encrypt('!r');
    expect(log.changes('@a', unencrypted, true)).toEqual({ changed: ['@b'], left: [] });
    expect(log.changes('@a', log.token(), true)).toEqual({ changed: [], left: [] });
  });

  it('writes one change row per room of the changing user, however large the rooms', () => {
    const log = new Log();
    for (let i = 0; i < 500; i++) log.join(`@m${i}`, '!big');
    log.join('@a', '!big');
    log.join('@a', '!small');
    const before = log.rows.length;
    log.newDevice('@a');
    const written = log.rows.slice(before);
    expect(written.map((r) => r.kind).sort()).toEqual(['change', 'change', 'own']);
  });

  it('plans the same rows on redelivery, whatever later memberships are already stored', () => {
    const log = new Log();
    log.join('@a', '!r1');
    const device = { event: { type: 'DeviceKeysUploaded', data: { userId: '@a', deviceId: 'D', keysJson: '{}' } } as DomainEvent, partition: 0, offset: '1' };
    const first = planDeviceListRows([device], log.rows as MembershipRow[]);
    log.join('@a', '!r2'); // offset 1 is taken by the join in this toy log; only rows before offset 1 count
    const later = { partition: 0, offset: 5, _id: 'x', kind: 'member' as const, roomId: '!r3', userId: '@a', membership: 'join' };
    expect(planDeviceListRows([device], [...(log.rows as MembershipRow[]), later])).toEqual(first);
  });
});

describe('stream tokens', () => {
  it('round-trip, stay opaque and URL-safe, and reject what this server never issued', () => {
    const vector = [-1, 0, 41, 123456789];
    const token = encodeStreamToken(vector);
    expect(token).toMatch(/^[A-Za-z0-9_]+$/);
    expect(decodeStreamToken(token)).toEqual(vector);
    for (const bad of ['', 'k1_', 's72594_4483', 'k1_-1', 'k1_zzzzzzzzzzzz', 'k1_1__2']) expect(() => decodeStreamToken(bad)).toThrow();
  });

  it('a token from before partitions were added covers nothing of the new ones; later-of never goes back', () => {
    const old = decodeStreamToken(encodeStreamToken([4, 7]));
    expect(old[5] ?? -1).toBe(-1);
    expect(laterOf([4, 7], [5, 2, 9])).toEqual([5, 7, 9]);
  });

  it("signatures on one's own keys reach everyone sharing a room; signing another's master key reaches only the signer", () => {
    const log = new Log();
    for (const u of ['@a', '@b', '@c']) log.join(u, '!r');
    const from = log.token();
    log.sign('@a', ['@a']);
    expect(log.changes('@b', from).changed).toEqual(['@a']);
    expect(log.changes('@a', from).changed).toEqual(['@a']);
    const later = log.token();
    log.sign('@a', ['@b', '@z']);
    expect(log.changes('@a', later)).toEqual({ changed: ['@b', '@z'], left: [] });
    expect(log.changes('@b', later).changed).toEqual([]);
    expect(log.changes('@c', later).changed).toEqual([]);
  });
});
