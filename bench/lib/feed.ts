import { HomeserverEvent, topicNames } from '@app/contracts';
import { KafkaKeyedProducer, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { KafkaSink } from '../../apps/cli/src/generate/kafka-sink';
import { KeyMaterial } from '../../apps/cli/src/generate/key-material';
import { Recorder } from '../../apps/cli/src/generate/recorder';
import { Operation } from '../../apps/cli/src/generate/traffic-plan';

/**
 * Feeds a bench's data straight into Kafka with the generator's Kafka sink: signed uploads as
 * UploadKeys commands, memberships as hs.events. Returns when Kafka has acknowledged them all.
 */
export class Feed {
  readonly keys = new KeyMaterial();
  readonly recorder = new Recorder();
  private readonly producer: KafkaKeyedProducer;
  private readonly sink: KafkaSink;
  private seq = 0;

  constructor(env: NodeJS.ProcessEnv) {
    this.producer = new KafkaKeyedProducer(createKafka(kafkaSettingsFromEnv('bench-feed', env)), Number(env.KAFKA_PARTITIONS ?? 8));
    this.sink = new KafkaSink(this.producer, topicNames(env.KAFKA_TOPIC_PREFIX), this.keys, this.recorder, `bench${Date.now().toString(36)}`, 1000);
  }

  upload(userId: string, deviceId: string, oneTimeKeys = 0): Operation {
    return { kind: 'upload', userId, deviceId, deviceKeys: true, oneTimeKeyIds: Array.from({ length: oneTimeKeys }, (_, i) => `k${i}`), fallbackId: null };
  }

  joins(roomId: string, userIds: readonly string[]): Operation {
    const events: HomeserverEvent[] = userIds.map((userId) => ({ schema: 'hs.v1', id: `$f${Date.now().toString(36)}_${++this.seq}`, type: 'membership', room_id: roomId, user_id: userId, membership: 'join', ts: Date.now() }));
    return { kind: 'hs', events };
  }

  /** Sends operations with up to `concurrency` in flight (batched by the sink). */
  async send(ops: readonly Operation[], concurrency = 512): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < ops.length) await this.sink.perform(ops[next++]);
      }),
    );
    await this.sink.close();
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
