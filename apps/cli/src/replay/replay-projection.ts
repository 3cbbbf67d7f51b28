import { Kafka } from 'kafkajs';
import { Db } from 'mongodb';
import { PartitionFences, RecordedEvent, TopicNames, decodeEvent } from '@app/contracts';
import { KafkaPartitionReader, TopicAdmin } from '@app/kafka';
import { CheckpointStore } from '@app/mongo';
import {
  AnyProjection,
  ProjectionBuckets,
  ProjectionRegistry,
  ReplayMemory,
  checkpointOwner,
  isCustomProjection,
  projectEvents,
  projectorGroup,
} from '@app/read-models';
import { ReplaySettings, replaySettingsFromEnv } from './replay-settings';

export interface ReplayReport {
  readonly version: number;
  readonly collection: string;
  readonly buckets: number;
  readonly events: number;
  readonly applied: number;
  readonly undecodable: number;
  /** Events the projection's pure code threw on: skipped, as the live projector does (dead-lettered there). */
  readonly poisoned: number;
  readonly seconds: number;
}

/** Where a replay reads the log from and writes the new version to. */
export interface ReplaySources {
  readonly kafka: Kafka;
  readonly admin: TopicAdmin;
  readonly db: Db;
  readonly topics: TopicNames;
}

/**
 * Rebuilds a projection from offset 0 of e2ee.events into a new collection version, then
 * hands the live projector the place to continue from (its group offsets) and switches readers
 * to the new version. The previous version is left in place until dropped.
 */
export async function replayProjection(
  { kafka, admin, db, topics }: ReplaySources,
  projection: AnyProjection,
  onProgress: (done: number, total: number) => void,
  options: { readonly holdBack?: boolean; readonly settings?: ReplaySettings } = {},
): Promise<ReplayReport> {
  const settings = options.settings ?? replaySettingsFromEnv();
  const started = process.hrtime.bigint();
  const registry = new ProjectionRegistry(db);
  const partitions = await admin.partitionCount(topics.events);
  const checkpoints = new CheckpointStore(db, partitions);
  const version = await registry.allocateNext(projection.name);
  // A fresh version number (never reused), so nothing is there yet.
  const written = await ProjectionBuckets.forWriting(db, projection.name, version, isCustomProjection(projection) ? 1 : settings.projection.buckets);
  await written.createIndexes(projection.indexes);
  await checkpoints.remove(checkpointOwner(projection.name, version));

  const from = new Map<number, string>(Array.from({ length: partitions }, (_, p) => [p, '0']));
  const endsAtStart = await admin.endOffsets(topics.events);
  const total = [...endsAtStart.values()].reduce((sum, end) => sum + Number(end), 0);
  let events = 0;
  let applied = 0;
  let undecodable = 0;
  let poisoned = 0;
  // Documents are held back and inserted once at the end (see ReplayMemory; `holdBack: false`
  // writes each batch, for comparison), and so are checkpoints: they must never claim a position
  // whose documents are not in the store yet.
  const replayMemory = new ReplayMemory<unknown>(settings.projection.replayMemoryEntries, options.holdBack ?? true);
  const lastOffsets = new Map<number, string>();
  const owner = checkpointOwner(projection.name, version);
  const reader = new KafkaPartitionReader(kafka, admin, `${topics.prefix}e2ee.replay.${projection.name}`);
  // Replay starts at offset 0, so it meets every fence marker itself (writer-fence.ts).
  const fences = new PartitionFences();
  const ends = await reader.readRange(topics.events, from, async (messages) => {
    const recorded: RecordedEvent[] = [];
    for (const m of messages) {
      try {
        const event = decodeEvent(m.value);
        if (fences.stands(m.partition, event, Number(m.offset))) recorded.push({ event, partition: m.partition, offset: m.offset });
      } catch {
        undecodable++; // the live projector already dead-lettered it
      }
    }
    applied += await projectEvents(written, projection, recorded, {
      db,
      version,
      live: false,
      replayMemory,
      tuning: settings.tuning,
      poisoned: () => poisoned++,
    });
    const last = messages[messages.length - 1].offset;
    lastOffsets.set(messages[0].partition, last);
    if (!replayMemory.defers) await checkpoints.save(owner, messages[0].partition, last, fences.encodedPositionOf(messages[0].partition));
    events += messages.length;
    onProgress(events, total);
  });

  await replayMemory.flush();
  for (const [partition, offset] of lastOffsets) await checkpoints.save(owner, partition, offset, fences.encodedPositionOf(partition));
  await admin.setGroupOffsets(`${topics.prefix}${projectorGroup(projection.name, version)}`, topics.events, ends);
  await registry.activate(projection.name, version);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { version, collection: written.name, buckets: written.count, events, applied, undecodable, poisoned, seconds };
}
