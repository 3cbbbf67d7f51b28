import { Admin } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { processorGroupOf, topicNames } from '@app/contracts';
import { createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { CheckpointStore } from '@app/mongo';
import { PROJECTIONS, ProjectionRegistry, checkpointOwner } from '@app/read-models';

/**
 * test/helpers/settle.ts for every projection at once, on connections kept open between calls
 * (a bench settles after each of hundreds of requests): homeserver events turned into commands,
 * commands decided, and every projection's checkpoint at the end of e2ee.events. Its own store
 * client has no command monitoring, so its reads are not counted as the services'.
 */
export class SettleAll {
  private readonly admin: Admin;
  private readonly mongo: MongoClient;
  private readonly topics;
  private connected?: Promise<void>;

  constructor(private readonly env: NodeJS.ProcessEnv) {
    this.admin = createKafka(kafkaSettingsFromEnv('bench-settle', env)).admin();
    this.mongo = new MongoClient(env.MONGODB_URI!);
    this.topics = topicNames(env.KAFKA_TOPIC_PREFIX);
  }

  private async group(groupId: string, topic: string, deadline: number): Promise<void> {
    for (;;) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      const [committed] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
      const at = new Map(committed.partitions.map((p) => [p.partition, BigInt(p.offset)]));
      const behind = ends.filter((e) => BigInt(e.high) > 0n && (at.get(e.partition) ?? -1n) < BigInt(e.high));
      if (behind.length === 0) return;
      if (Date.now() > deadline) throw new Error(`${groupId} still behind on ${topic}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async settle(timeoutMs = 60_000): Promise<void> {
    this.connected ??= this.admin.connect();
    await this.connected;
    const deadline = Date.now() + timeoutMs;
    await this.group(`${this.topics.prefix}e2ee.hs-ingest`, this.topics.homeserver, deadline);
    await this.group(processorGroupOf(this.topics), this.topics.commands, deadline);
    const ends = await this.admin.fetchTopicOffsets(this.topics.events);
    const db = this.mongo.db(this.env.MONGODB_DB);
    const checkpoints = new CheckpointStore(db, ends.length);
    const registry = new ProjectionRegistry(db);
    for (const name of Object.keys(PROJECTIONS)) {
      const owner = checkpointOwner(name, await registry.active(name));
      for (;;) {
        const at = await checkpoints.load(owner);
        const behind = ends.filter((e) => BigInt(e.high) > 0n && BigInt(at.get(e.partition) ?? '-1') < BigInt(e.high) - 1n);
        if (behind.length === 0) break;
        if (Date.now() > deadline) throw new Error(`${owner} still behind on partitions ${behind.map((e) => e.partition).join(',')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  async close(): Promise<void> {
    if (this.connected) await this.admin.disconnect().catch(() => undefined);
    await this.mongo.close();
  }
}
