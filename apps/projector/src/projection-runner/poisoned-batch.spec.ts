import { Db } from 'mongodb';
import { RecordedEvent, encodeMessage } from '@app/contracts';
import { ConsumedMessage, OutgoingMessage } from '@app/kafka';
import { JsonLogger, Metrics } from '@app/platform';
import { ProjectionBuckets, oneTimeKeysProjection, projectEvents } from '@app/read-models';
import { applySettingPoisonAside } from './poisoned-batch';

const user = '@u:x';
const recorded = (offset: number, data: object): RecordedEvent => ({
  event: {
    id: `e${offset}`,
    type: 'OneTimeKeysUploaded',
    schemaVersion: 1,
    key: user,
    time: 0,
    correlationId: 'spec',
    causationId: null,
    data,
  } as RecordedEvent['event'],
  partition: 0,
  offset: String(offset),
});
const uploaded = (offset: number, keys: string[]) =>
  recorded(offset, { userId: user, deviceId: 'D', keys: keys.map((k) => ({ keyName: `signed_curve25519:${k}`, json: '{}' })) });
/** Of a declared type and decodable, but the projection's evolve throws on it (no key list). */
const poison = (offset: number) => recorded(offset, { userId: user, deviceId: 'D' });
const consumed = (r: RecordedEvent): ConsumedMessage => ({
  topic: 'e2ee.events',
  partition: r.partition,
  offset: r.offset,
  key: r.event.key,
  value: encodeMessage(r.event),
  headers: { type: r.event.type },
});

/** One collection in a map: the point reads and writes the projection's writer uses; `failWrites` makes the store fail. */
function fakeStore() {
  const docs = new Map<string, { _id: string }>();
  const state = { failWrites: false };
  const write = async (put: () => void) => {
    if (state.failWrites) throw new Error('store down');
    put();
  };
  const collection = {
    findOne: async ({ _id }: { _id: string }) => docs.get(_id) ?? null,
    insertMany: (many: { _id: string }[]) => write(() => many.forEach((d) => docs.set(d._id, d))),
    bulkWrite: (ops: { replaceOne: { replacement: { _id: string } } }[]) =>
      write(() => ops.forEach((o) => docs.set(o.replaceOne.replacement._id, o.replaceOne.replacement))),
  };
  const db = { collection: () => collection } as unknown as Db;
  return { docs, state, buckets: ProjectionBuckets.of(db, 'one-time-keys', 1, 1), db };
}

function deadLetterTopic() {
  const sent: OutgoingMessage[] = [];
  const metrics = new Metrics('projector');
  const lines: unknown[][] = [];
  const sink = {
    producer: { send: async (messages: readonly OutgoingMessage[]) => (sent.push(...messages), []) },
    topic: 'e2ee.deadletter',
    consumerGroup: 'e2ee.projector.one-time-keys.v1',
    metrics,
    logger: { write: (...args: unknown[]) => lines.push(args) } as unknown as JsonLogger,
  };
  return { sent, metrics, lines, sink };
}

describe('a live batch with an event the projection cannot fold', () => {
  const batch = [uploaded(1, ['A']), poison(2), uploaded(3, ['B'])];
  const tuning = { bulkChunk: 100, bucketWriters: 2 };

  it('applies the others, then dead-letters it with the projection, counted by source and logged', async () => {
    const store = fakeStore();
    const dlq = deadLetterTopic();
    const applied = await applySettingPoisonAside(
      (poisoned) => projectEvents(store.buckets, oneTimeKeysProjection as never, batch, { db: store.db, version: 1, live: true, tuning, poisoned }),
      batch.map(consumed),
      'one-time-keys',
      dlq.sink,
    );
    expect(applied).toBe(2);
    expect([...store.docs.values()]).toEqual([
      expect.objectContaining({ counts: [{ algorithm: 'signed_curve25519', count: 2 }], _meta: { partition: 0, offset: 3 } }),
    ]);

    expect(dlq.sent).toHaveLength(1);
    expect(dlq.sent[0].value).toEqual(consumed(batch[1]).value); // the bytes as consumed
    expect(dlq.sent[0].headers).toMatchObject({
      'x-dead-letter-source': 'evolve',
      'x-dead-letter-reason': expect.stringMatching(/reduce/),
      'x-dead-letter-at': expect.stringMatching(/^at .*one-time-keys\.projection/),
      'x-source-offset': '2',
      'x-consumer-group': 'e2ee.projector.one-time-keys.v1',
      'x-projection': 'one-time-keys',
      'x-event-type': 'OneTimeKeysUploaded',
    });
    expect((await dlq.metrics.deadLettered.get()).values).toEqual([{ labels: { topic: 'e2ee.events', source: 'evolve' }, value: 1 }]);
    expect(dlq.lines).toEqual([['error', 'message dead-lettered: evolve threw', expect.objectContaining({ offset: '2', 'x-projection': 'one-time-keys' })]]);
  });

  it('a store failure is not poison: nothing is dead-lettered and the batch fails (retried)', async () => {
    const store = fakeStore();
    store.state.failWrites = true;
    const dlq = deadLetterTopic();
    const run = () =>
      applySettingPoisonAside(
        (poisoned) => projectEvents(store.buckets, oneTimeKeysProjection as never, batch, { db: store.db, version: 1, live: true, tuning, poisoned }),
        batch.map(consumed),
        'one-time-keys',
        dlq.sink,
      );
    await expect(run()).rejects.toThrow('store down');
    expect(dlq.sent).toEqual([]);
    // The retry, with the store back, applies and dead-letters as usual.
    store.state.failWrites = false;
    expect(await run()).toBe(2);
    expect(dlq.sent).toHaveLength(1);
  });

  it('a failed dead-letter write fails the batch too (before its checkpoint)', async () => {
    const store = fakeStore();
    const dlq = deadLetterTopic();
    dlq.sink.producer.send = async () => {
      throw new Error('broker down');
    };
    await expect(
      applySettingPoisonAside(
        (poisoned) => projectEvents(store.buckets, oneTimeKeysProjection as never, batch, { db: store.db, version: 1, live: true, tuning, poisoned }),
        batch.map(consumed),
        'one-time-keys',
        dlq.sink,
      ),
    ).rejects.toThrow('broker down');
  });
});
