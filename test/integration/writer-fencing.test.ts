import { MongoClient } from 'mongodb';
import { ClaimKeysCommand, CommandReply, RoutedCommand, UploadKeysCommand, topicNames } from '@app/contracts';
import { KafkaKeyedProducer, KafkaPartitionReader, TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { PROCESSOR_CHECKPOINT } from '../../apps/command-processor/src/catch-up/catch-up';
import { FencedEventLog } from '../../apps/command-processor/src/fencing/fenced-event-log';
import { WriterFencedError } from '../../apps/command-processor/src/fencing/partition-writer';
import { BatchDecider } from '../../apps/command-processor/src/processing/batch-decider';
import { KafkaEventLog } from '../../apps/command-processor/src/processing/kafka-ports';
import { PartitionProcessor } from '../../apps/command-processor/src/processing/partition-processor';
import { MongoPartitionCheckpoints, MongoSnapshotStore } from '../../apps/command-processor/src/state/mongo-snapshot-store';
import { UserStateStore } from '../../apps/command-processor/src/state/user-state.store';
import { CollectingOutbox } from '../../apps/command-processor/src/testing/in-memory-ports';
import { claimedKeysInLog, expectNoKeyClaimedTwice } from '../helpers/claims';
import { readTopic } from '../helpers/log-reader';
import { suiteEnv } from '../helpers/suite-env';
import { cleanUp } from '../helpers/system';

const USER = '@fenced:test.local';
const routed = (command: Pick<RoutedCommand, 'id' | 'type' | 'data'>): RoutedCommand =>
  ({ schemaVersion: 1, key: USER, time: 1, correlationId: command.id, causationId: null, routing: { replyTo: 'api-1' }, ...command }) as RoutedCommand;
const upload = (id: string, keyIds: string[]) =>
  routed({
    id,
    type: 'UploadKeys',
    data: {
      userId: USER,
      deviceId: 'DEV',
      deviceKeysJson: null,
      oneTimeKeys: keyIds.map((k) => ({ keyName: `signed_curve25519:${k}`, json: JSON.stringify({ key: k }) })),
      fallbackKeys: [],
      verifySignatures: false,
    },
  } as Pick<UploadKeysCommand, 'id' | 'type' | 'data'>);
const claim = (id: string) =>
  routed({
    id,
    type: 'ClaimKeys',
    data: { userId: USER, claims: [{ deviceId: 'DEV', algorithm: 'signed_curve25519' }], claimedBy: '@bob:test.local|B' },
  } as Pick<ClaimKeysCommand, 'id' | 'type' | 'data'>);
const keysOf = (reply: CommandReply | undefined) =>
  reply?.outcome.ok && reply.outcome.result.kind === 'claim' ? reply.outcome.result.claimed.map((c) => c.keyName.split(':')[1]) : reply;

/**
 * Two processors on one partition of a real e2ee.events and a real store, as after a rebalance
 * the previous owner did not notice (a pause longer than the session): the previous owner's next
 * append is refused before it replies, its event is void for every reader, and the log read back
 * as readers fold it hands out each key once.
 */
describe('writer fencing on Kafka and FerretDB', () => {
  const env = suiteEnv('fencing');
  const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
  const kafka = createKafka(kafkaSettingsFromEnv('fencing-test', env));
  const admin = new TopicAdmin(kafka);
  const producer = new KafkaKeyedProducer(kafka, 4);
  const mongo = new MongoClient(env.MONGODB_URI!);

  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
    await mongo.close();
    await cleanUp(env);
  });

  const processOnSharedLog = () => {
    const db = mongo.db(env.MONGODB_DB);
    const outbox = new CollectingOutbox();
    const reader = new KafkaPartitionReader(kafka, admin, `${topics.prefix}fencing-reader`);
    const events = new KafkaEventLog(producer, topics.events);
    const store = new UserStateStore(new MongoSnapshotStore(db, 1, 8), new MongoPartitionCheckpoints(db, PROCESSOR_CHECKPOINT, 4), 10);
    const processor = new PartitionProcessor(
      store,
      new BatchDecider(new FencedEventLog(events, reader, topics.events), outbox),
      reader,
      events,
      topics.events,
      {
        caughtUp: () => undefined,
        undecodable: () => undefined,
        flushFailed: () => undefined,
      },
    );
    const send = async (command: RoutedCommand) => {
      await processor.handle(0, [command]);
      return outbox.replies.find((r) => r.commandId === command.id);
    };
    return { processor, outbox, send };
  };

  it('refuses the stale owner before it replies, and every reader ignores its event', async () => {
    await admin.ensureTopics([{ topic: topics.events, partitions: 4 }]);
    const a = processOnSharedLog();
    await a.send(upload('u1', ['A', 'B', 'C']));
    expect(keysOf(await a.send(claim('c1')))).toEqual(['A']);
    await a.processor.flushAll();

    const b = processOnSharedLog();
    expect(keysOf(await b.send(claim('c2')))).toEqual(['B']);
    await expect(a.processor.handle(0, [claim('c3')])).rejects.toThrow(WriterFencedError);
    expect(a.outbox.replies.find((r) => r.commandId === 'c3')).toBeUndefined();

    // In the log: two markers, and a's claim of B after b's marker.
    const raw = (await readTopic(env, 'events')).map((m) => JSON.parse(m.value!.toString()) as { type: string; data: { keyName?: string } });
    expect(raw.filter((e) => e.type === 'WriterStarted')).toHaveLength(2);
    expect(raw.filter((e) => e.type === 'OneTimeKeyClaimed').map((e) => e.data.keyName!.split(':')[1])).toEqual(['A', 'B', 'B']);
    // As readers fold it: a's claim is void.
    expect((await claimedKeysInLog(env)).map((k) => k.split(':').pop())).toEqual(['A', 'B']);

    expect(keysOf(await b.send(claim('c3')))).toEqual(['C']);
    await b.processor.flushAll();
    // A new process, from the stored snapshots and checkpoint, agrees: nothing left.
    expect(keysOf(await processOnSharedLog().send(claim('c4')))).toEqual([]);
    expect(await expectNoKeyClaimedTwice(env)).toBe(3);
  }, 120_000);
});
