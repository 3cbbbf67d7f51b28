import fc from 'fast-check';
import { PositionVector, RecordedEvent } from '@app/contracts';
import { deviceListChanges } from './device-list-changes';
import { DeviceListRow, MembershipRow, planDeviceListRows } from './device-list-rows';
import { DeviceListDoc, DeviceListEvent, MEMBERSHIP_HISTORY, applyToDocs } from './device-list-docs';
import { DeviceListDocReader, TouchedRooms, deviceListChangesSince, membersOfRoom } from './device-lists.queries';
import { WakeUpFeedDoc, roomsNoticedAfter, withNotice } from '../feed/wake-up-feed';

const USERS = ['@a', '@b', '@c', '@d', '@e'];
const ROOMS = ['!r1', '!r2', '!r3'];
/** Fewer partitions than users: rooms are split over writers, and one partition holds several users. */
const PARTITIONS = 3;

type Step =
  | { kind: 'join' | 'leave' | 'invite' | 'device'; user: number; room: number }
  | { kind: 'encrypt'; room: number }
  | { kind: 'sign'; user: number; targets: number[] }
  | { kind: 'user-signing'; user: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constantFrom('join' as const, 'leave' as const, 'invite' as const, 'device' as const),
      user: fc.nat(USERS.length - 1),
      room: fc.nat(ROOMS.length - 1),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('encrypt' as const), room: fc.nat(ROOMS.length - 1) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('sign' as const),
      user: fc.nat(USERS.length - 1),
      targets: fc.uniqueArray(fc.nat(USERS.length - 1), { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('user-signing' as const), user: fc.nat(USERS.length - 1) }) },
);

function recordedOf(steps: readonly Step[]): { events: RecordedEvent<DeviceListEvent>[]; tokens: PositionVector[] } {
  const ends = Array.from({ length: PARTITIONS }, () => -1);
  const events: RecordedEvent<DeviceListEvent>[] = [];
  const tokens: PositionVector[] = [];
  for (const s of steps) {
    const partition = s.kind === 'encrypt' ? s.room % PARTITIONS : s.user % PARTITIONS;
    const offset = ++ends[partition];
    const event =
      s.kind === 'encrypt'
        ? { type: 'RoomEncryptionEnabled', data: { roomId: ROOMS[s.room], algorithm: 'm.megolm.v1.aes-sha2' } }
        : s.kind === 'device'
          ? { type: 'DeviceKeysUploaded', data: { userId: USERS[s.user], deviceId: `D${offset}`, keysJson: '{}' } }
          : s.kind === 'sign'
            ? {
                type: 'SignaturesUploaded',
                data: {
                  userId: USERS[s.user],
                  signatures: s.targets.map((t) => ({ targetUserId: USERS[t], keyId: 'K', targetKey: 'K', signerKeyId: 'S', signature: 'x' })),
                },
              }
            : s.kind === 'user-signing'
              ? { type: 'CrossSigningKeysUploaded', data: { userId: USERS[s.user], keys: [{ kind: 'user_signing' }] } }
              : { type: 'MembershipChanged', data: { userId: USERS[s.user], roomId: ROOMS[s.room], membership: s.kind } };
    events.push({ event: event as unknown as DeviceListEvent, partition, offset: String(offset) });
    tokens.push([...ends]);
  }
  return { events, tokens };
}

function rowsOfLog(events: readonly RecordedEvent[]): DeviceListRow[] {
  const rows: DeviceListRow[] = [];
  for (const e of events)
    rows.push(
      ...planDeviceListRows(
        [e],
        rows.filter((r): r is MembershipRow => r.kind === 'member'),
      ),
    );
  return rows;
}

/** Documents as the projection builds them: in order per partition, each event once or twice (redelivery). */
function docsOfLog(events: readonly RecordedEvent<DeviceListEvent>[], redeliver: (i: number) => boolean): Map<string, DeviceListDoc> {
  const docs = new Map<string, DeviceListDoc>();
  events.forEach((e, i) => {
    applyToDocs(docs, e);
    if (redeliver(i)) applyToDocs(docs, e);
  });
  return docs;
}

/**
 * The wake-up rings the live projection writes, each begun at a random point of its partition
 * (as after a replay) so that some reads can be pruned by them and some cannot.
 */
function ringsOfLog(events: readonly RecordedEvent<DeviceListEvent>[], ringStarts: readonly number[]): TouchedRooms {
  const docs = new Map<string, DeviceListDoc>();
  const rings = new Map<number, WakeUpFeedDoc>();
  for (const e of events) {
    const changed = applyToDocs(docs, e).map((id) => docs.get(id)!);
    const offset = Number(e.offset);
    if (offset < ringStarts[e.partition]) continue;
    const rooms = [...new Set(changed.filter((d) => 'roomId' in d).map((d) => (d as { roomId: string }).roomId))];
    rings.set(e.partition, withNotice(rings.get(e.partition) ?? null, e.partition, { offset, at: 0, rooms, users: [] }));
  }
  return (partition, after) => roomsNoticedAfter(rings.get(partition), after);
}

const readerOf =
  (docs: ReadonlyMap<string, DeviceListDoc>): DeviceListDocReader =>
  async (ids) =>
    new Map(ids.filter((id) => docs.has(id)).map((id) => [id, docs.get(id)!]));

/** At most one row per entry (same kind, room, user and subject) after `until`: the documents keep one older value. */
function oneInFlightPerEntry(rows: readonly DeviceListRow[], until: PositionVector): boolean {
  const counts = new Map<string, number>();
  for (const r of rows) {
    if (r.offset <= (until[r.partition] ?? -1)) continue;
    const key = JSON.stringify([r.kind, 'roomId' in r ? r.roomId : '', 'userId' in r ? r.userId : '', r.kind === 'own' ? (r.subject ?? '') : '']);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.values()].every((n) => n <= 1);
}

function fewRejoins(rows: readonly DeviceListRow[]): boolean {
  const counts = new Map<string, number>();
  for (const r of rows) if (r.kind === 'member') counts.set(`${r.userId} ${r.roomId}`, (counts.get(`${r.userId} ${r.roomId}`) ?? 0) + 1);
  return [...counts.values()].every((n) => n <= MEMBERSHIP_HISTORY);
}

describe('device-list documents', () => {
  it('answer as the fold over every row does, for random histories, readers, tokens, both sharing rules, with and without pruning by the wake-up rings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.nat(USERS.length - 1),
        fc.boolean(),
        fc.func(fc.boolean()),
        fc.array(fc.nat(20), { minLength: PARTITIONS, maxLength: PARTITIONS }),
        async (steps, at, reader, encryptedRoomsOnly, redeliver, ringStarts) => {
          const { events, tokens } = recordedOf(steps);
          const rows = rowsOfLog(events);
          fc.pre(fewRejoins(rows));
          const read = readerOf(docsOfLog(events, redeliver));
          const from = at % 3 === 0 ? [] : tokens[at % tokens.length];
          const rules = { encryptedRoomsOnly };
          const expected = deviceListChanges(USERS[reader], from, rows, rules);
          const unpruned = await deviceListChangesSince(read, USERS[reader], from, PARTITIONS, rules);
          expect({ changed: unpruned.changed, left: unpruned.left }).toEqual(expected);
          const pruned = await deviceListChangesSince(read, USERS[reader], from, PARTITIONS, rules, { touched: ringsOfLog(events, ringStarts) });
          expect({ changed: pruned.changed, left: pruned.left }).toEqual(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('answer as of a later token as the fold over the rows up to it does, while one change per entry is past it', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.nat(),
        fc.nat(USERS.length - 1),
        fc.boolean(),
        async (steps, at, later, reader, encryptedRoomsOnly) => {
          const { events, tokens } = recordedOf(steps);
          const rows = rowsOfLog(events);
          const from = at % 3 === 0 ? [] : tokens[at % tokens.length];
          const until = tokens[later % tokens.length];
          fc.pre(fewRejoins(rows) && oneInFlightPerEntry(rows, until));
          checked++;
          const rules = { encryptedRoomsOnly };
          const answer = await deviceListChangesSince(readerOf(docsOfLog(events, () => false)), USERS[reader], from, PARTITIONS, rules, { until });
          const visible = rows.filter((r) => r.offset <= (until[r.partition] ?? -1));
          expect({ changed: answer.changed, left: answer.left }).toEqual(deviceListChanges(USERS[reader], from, visible, rules));
        },
      ),
      { numRuns: 2000 },
    );
    expect(checked).toBeGreaterThan(500);
  });

  it('keep the newest join apart: a member who joined, left and was invited since `from` (sharing another room) is changed', async () => {
    const before = [
      { kind: 'join' as const, user: 0, room: 0 },
      { kind: 'join' as const, user: 0, room: 1 },
      { kind: 'join' as const, user: 1, room: 1 },
    ];
    const { events, tokens } = recordedOf([
      ...before,
      { kind: 'join', user: 1, room: 0 },
      { kind: 'leave', user: 1, room: 0 },
      { kind: 'invite', user: 1, room: 0 },
    ]);
    const rules = { encryptedRoomsOnly: false };
    const from = tokens[before.length - 1];
    const answer = await deviceListChangesSince(readerOf(docsOfLog(events, () => false)), USERS[0], from, PARTITIONS, rules);
    expect(deviceListChanges(USERS[0], from, rowsOfLog(events), rules)).toEqual({ changed: [USERS[1]], left: [] });
    expect({ changed: answer.changed, left: answer.left }).toEqual({ changed: [USERS[1]], left: [] });
  });

  it('write one document per room of the user and their own, whatever the rooms hold', () => {
    const { events } = recordedOf([
      ...Array.from({ length: 50 }, (_, i) => ({ kind: 'join' as const, user: i % USERS.length, room: 0 })),
      { kind: 'join', user: 0, room: 1 },
      { kind: 'device', user: 0, room: 0 },
    ]);
    const docs = docsOfLog(events.slice(0, -1), () => false);
    expect(applyToDocs(docs, events[events.length - 1]).sort()).toEqual(['r|!r1|0', 'r|!r2|0', 'u|@a']);
  });

  it('list the current members of a room from its parts', async () => {
    const { events } = recordedOf([
      { kind: 'join', user: 0, room: 0 },
      { kind: 'join', user: 1, room: 0 },
      { kind: 'invite', user: 2, room: 0 },
      { kind: 'join', user: 3, room: 0 },
      { kind: 'leave', user: 3, room: 0 },
    ]);
    const members = await membersOfRoom(readerOf(docsOfLog(events, () => false)), ROOMS[0], PARTITIONS);
    expect(Object.fromEntries(members)).toEqual({ '@a': 'join', '@b': 'join', '@c': 'invite' });
  });
});
