import { Admin, Kafka } from 'kafkajs';
import { LatestOffsets } from './latest-offsets';

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** -1 or absent: the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  readonly config?: Record<string, string>;
}

/** Admin calls the services need: topic creation, end offsets, group offsets. */
export class TopicAdmin {
  private readonly admin: Admin;
  private connected?: Promise<void>;
  private readonly latest: LatestOffsets;

  constructor(kafka: Kafka) {
    this.admin = kafka.admin();
    this.latest = new LatestOffsets(kafka, (topic) => this.endOffsetsByAdmin(topic));
  }

  private async ready(): Promise<Admin> {
    this.connected ??= this.admin.connect().catch((err) => {
      this.connected = undefined;
      throw err;
    });
    await this.connected;
    return this.admin;
  }

  async disconnect(): Promise<void> {
    await this.latest.disconnect();
    if (this.connected) await this.admin.disconnect();
    this.connected = undefined;
  }

  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    const admin = await this.ready();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        replicationFactor: s.replicationFactor ?? -1,
        configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
  }

  async partitionCount(topic: string): Promise<number> {
    const admin = await this.ready();
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    return meta.topics[0].partitions.length;
  }

  /** The next offset to be written in each partition (the high watermark). */
  endOffsets(topic: string): Promise<Map<number, string>> {
    return this.latest.of(topic);
  }

  private async endOffsetsByAdmin(topic: string): Promise<Map<number, string>> {
    const admin = await this.ready();
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, o.high]));
  }

  async setGroupOffsets(groupId: string, topic: string, offsets: Map<number, string>): Promise<void> {
    const admin = await this.ready();
    await admin.setOffsets({ groupId, topic, partitions: [...offsets].map(([partition, offset]) => ({ partition, offset })) });
  }

  async deleteGroup(groupId: string): Promise<void> {
    const admin = await this.ready();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }

  /** Members of a consumer group right now; 0 when it is empty or does not exist. */
  async liveMembers(groupId: string): Promise<number> {
    const admin = await this.ready();
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups.find((g) => g.groupId === groupId);
    return group && group.state !== 'Dead' && group.state !== 'Empty' ? group.members.length : 0;
  }

  /** Readiness: a metadata round trip to the cluster. */
  async ping(): Promise<void> {
    const admin = await this.ready();
    await admin.describeCluster();
  }
}
