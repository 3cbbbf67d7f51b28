import { Admin, Kafka } from 'kafkajs';
import { TopicNames } from '@app/contracts';

export interface LagSample {
  /** Seconds since the run started. */
  readonly t: number;
  /** Messages not yet processed, per consumer: `hs-ingest`, `command-processor`, `projector <name>`. */
  readonly lag: Record<string, number>;
}

/**
 * Every second, how far each consumer's committed offsets are behind the log end (the way the
 * tests' settle helper decides that the pipeline is idle): homeserver ingest on hs.events, the
 * command-processor on e2ee.commands, and each live projection version on e2ee.events.
 */
export class LagSampler {
  readonly samples: LagSample[] = [];
  private timer?: NodeJS.Timeout;
  private admin?: Admin;
  private inFlight?: Promise<LagSample | undefined>;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly startedAt: number,
  ) {}

  async start(intervalMs = 1000): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    await this.sample();
    this.timer = setInterval(() => void this.sample(), intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.inFlight;
    await this.admin?.disconnect();
  }

  /** Total lag of the latest sample (everything that is not through yet). */
  get latest(): LagSample | undefined {
    return this.samples[this.samples.length - 1];
  }

  /** Takes a sample (or joins the one being taken); undefined when Kafka did not answer. */
  sample(): Promise<LagSample | undefined> {
    this.inFlight ??= this.take().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async take(): Promise<LagSample | undefined> {
    if (!this.admin) return undefined;
    try {
      const admin = this.admin;
      const prefix = this.topics.prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const projector = new RegExp(`^${prefix}e2ee\\.projector\\.([a-z-]+)\\.v(\\d+)$`);
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
      const live = new Map<string, { group: string; version: number }>();
      for (const g of groups) {
        const m = projector.exec(g);
        if (m && Number(m[2]) >= (live.get(m[1])?.version ?? 0)) live.set(m[1], { group: g, version: Number(m[2]) });
      }
      const consumers: [string, string, string][] = [
        ['hs-ingest', `${this.topics.prefix}e2ee.hs-ingest`, this.topics.homeserver],
        ['command-processor', `${this.topics.prefix}e2ee.command-processor`, this.topics.commands],
        ...[...live].map(([name, { group }]): [string, string, string] => [`projector ${name}`, group, this.topics.events]),
      ];
      const ends = new Map<string, Map<number, bigint>>();
      const lag: Record<string, number> = {};
      for (const [label, group, topic] of consumers) {
        if (!ends.has(topic)) {
          const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
          ends.set(topic, new Map(offsets.map((o) => [o.partition, BigInt(o.high)])));
        }
        const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] }).catch(() => [undefined]);
        const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
        let behind = 0n;
        for (const [partition, end] of ends.get(topic)!) {
          const c = at.get(partition) ?? -1n;
          behind += end - (c < 0n ? 0n : c);
        }
        lag[label] = Number(behind);
      }
      const s = { t: Math.round((Date.now() - this.startedAt) / 100) / 10, lag };
      this.samples.push(s);
      return s;
    } catch {
      return undefined;
    }
  }
}
