import { HomeserverEvent, topicNames } from '@app/contracts';
import { KafkaKeyedProducer, TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { ensureTopology } from '@app/platform';
import { EventSink } from '../../apps/cli/src/generate/event-sink';
import { KafkaSink } from '../../apps/cli/src/generate/kafka-sink';
import { KeyMaterial } from '../../apps/cli/src/generate/key-material';
import { Recorder } from '../../apps/cli/src/generate/recorder';
import { Operation } from '../../apps/cli/src/generate/traffic-plan';

/**
 * Feeds a bench's data straight into Kafka with the generator's sinks: `commands` sends signed
 * uploads as UploadKeys commands and memberships as hs.events, for the command-processor to
 * decide; `events` decides them here and writes e2ee.events (no processor may run meanwhile).
 * Returns when Kafka has acknowledged them all.
 */
export class Feed {
  readonly keys = new KeyMaterial();
  readonly recorder = new Recorder();
  private readonly producer: KafkaKeyedProducer;
  private readonly sink: KafkaSink | EventSink;
  private seq = 0;
  private readonly topology: Promise<void>;

  constructor(env: NodeJS.ProcessEnv, mode: 'commands' | 'events' = 'commands') {
    const partitions = Number(env.KAFKA_PARTITIONS ?? 8);
    this.producer = new KafkaKeyedProducer(createKafka(kafkaSettingsFromEnv('bench-feed', env)), partitions);
    const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
    // The services create the topics when they start; a feed may come first (events mode).
    const admin = new TopicAdmin(createKafka(kafkaSettingsFromEnv('bench-feed-admin', env)));
    this.topology = ensureTopology(admin, topics, partitions, kafkaSettingsFromEnv('bench-feed-admin', env).durability).finally(() => admin.disconnect());
    const runId = `bench${Date.now().toString(36)}`;
    this.sink =
      mode === 'events'
        ? new EventSink({ producer: this.producer, topics, keys: this.keys, recorder: this.recorder, runId }, partitions)
        : new KafkaSink({ producer: this.producer, topics, keys: this.keys, recorder: this.recorder, runId }, 1000);
  }

  upload(userId: string, deviceId: string, oneTimeKeys = 0): Operation {
    return { kind: 'upload', userId, deviceId, deviceKeys: true, oneTimeKeyIds: Array.from({ length: oneTimeKeys }, (_, i) => `k${i}`), fallbackId: null };
  }

  joins(roomId: string, userIds: readonly string[]): Operation {
    const events: HomeserverEvent[] = userIds.map((userId) => ({
      schema: 'hs.v1',
      id: `$f${Date.now().toString(36)}_${++this.seq}`,
      type: 'membership',
      room_id: roomId,
      user_id: userId,
      membership: 'join',
      ts: Date.now(),
    }));
    return { kind: 'hs', events };
  }

  /** Sends operations with up to `concurrency` in flight (batched by the sink). */
  async send(ops: readonly Operation[], concurrency = 512): Promise<void> {
    await this.topology;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < ops.length) await this.sink.perform(ops[next++]);
      }),
    );
    await this.sink.close();
    const failed = [...this.recorder.errors.values()].reduce((a, b) => a + b, 0);
    if (failed > 0) throw new Error(`feed: ${failed} messages failed: ${this.recorder.errorSamples.slice(0, 3).join(' | ')}`);
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
