import fc from 'fast-check';
import { MongoClient } from 'mongodb';
import { DomainEvent, PositionVector, RecordedEvent } from '@app/contracts';
import { DeviceListRow, MembershipRow, deviceListChanges, deviceListChangesSince, planDeviceListRows } from '@app/read-models';
import { suiteEnv } from '../helpers/suite-env';
import { cleanUp } from '../helpers/system';

const USERS = ['@a', '@b', '@c', '@d'];
const ROOMS = ['!r1', '!r2'];

type Step = { kind: 'join' | 'leave' | 'device'; user: number; room: number } | { kind: 'encrypt'; room: number };

/** Rows of a random history, as the projection would write them (users and rooms on their own partitions). */
function history(steps: readonly Step[]): { rows: DeviceListRow[]; tokens: PositionVector[] } {
  const rows: DeviceListRow[] = [];
  const ends: number[] = [];
  const tokens: PositionVector[] = [];
  for (const step of steps) {
    const partition = step.kind === 'encrypt' ? USERS.length + step.room : step.user;
    const offset = (ends[partition] = (ends[partition] ?? -1) + 1);
    const data =
      step.kind === 'encrypt'
        ? { type: 'RoomEncryptionEnabled', data: { roomId: ROOMS[step.room], algorithm: 'm.megolm.v1.aes-sha2' } }
        : step.kind === 'device'
          ? { type: 'DeviceKeysUploaded', data: { userId: USERS[step.user], deviceId: `D${offset}`, keysJson: '{}' } }
          : { type: 'MembershipChanged', data: { userId: USERS[step.user], roomId: ROOMS[step.room], membership: step.kind } };
    const recorded = { event: data as unknown as DomainEvent, partition, offset: String(offset) } as RecordedEvent;
    rows.push(...planDeviceListRows([recorded], rows.filter((r): r is MembershipRow => r.kind === 'member')));
    tokens.push(Array.from({ length: USERS.length + ROOMS.length }, (_, p) => ends[p] ?? -1));
  }
  return { rows, tokens };
}

/** The three targeted reads give the same answer as folding every row of the read model. */
describe('device-list reads against the store', () => {
  const env = suiteEnv('dl-reads');
  const mongo = new MongoClient(env.MONGODB_URI!);
  afterAll(async () => {
    await mongo.close();
    await cleanUp(env);
  });

  it('equal the fold over all rows, for random histories, readers, tokens and both sharing rules', async () => {
    const collection = mongo.db(env.MONGODB_DB).collection('rows');
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constantFrom('join' as const, 'leave' as const, 'device' as const), user: fc.nat(USERS.length - 1), room: fc.nat(ROOMS.length - 1) }),
      fc.record({ kind: fc.constant('encrypt' as const), room: fc.nat(ROOMS.length - 1) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), fc.nat(), fc.nat(USERS.length - 1), fc.boolean(), async (steps, at, reader, encryptedRoomsOnly) => {
        const { rows, tokens } = history(steps);
        await collection.deleteMany({});
        if (rows.length > 0) await collection.insertMany(rows as never[]);
        const from = at % 3 === 0 ? [] : tokens[at % tokens.length];
        const rules = { encryptedRoomsOnly };
        const read = await deviceListChangesSince(collection, USERS[reader], from, USERS.length + ROOMS.length, rules);
        const folded = deviceListChanges(USERS[reader], from, rows, rules);
        expect({ changed: read.changed, left: read.left }).toEqual(folded);

        // Bounded by a later token: the same as folding only the rows at or below it.
        const until = tokens[(at >> 2) % tokens.length];
        const visible = rows.filter((r) => r.offset <= (until[r.partition] ?? -1));
        const bounded = await deviceListChangesSince(collection, USERS[reader], from, USERS.length + ROOMS.length, rules, until);
        expect({ changed: bounded.changed, left: bounded.left }).toEqual(deviceListChanges(USERS[reader], from, visible, rules));
      }),
      {
        numRuns: 200,
        // Found by this property once: the reader joins a room whose member has not changed since.
        examples: [[[{ kind: 'join', user: 1, room: 1 }, { kind: 'join', user: 0, room: 1 }], 1, 0, false]],
      },
    );
  });
});
