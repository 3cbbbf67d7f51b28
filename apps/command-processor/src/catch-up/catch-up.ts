import { randomUUID } from 'node:crypto';
import { decodeEvent, DomainEvent, WriterFence, writerStarted } from '@app/contracts';
import { evolveUserKeys } from '@app/domain';
import { PartitionReader } from '@app/kafka';
import { RawEventLog } from '../fencing/fenced-event-log';
import { PartitionWriter, WriterFencedError } from '../fencing/partition-writer';
import { PartitionMemory } from '../state/partition-memory';
import { UserSnapshot } from '../state/ports';
import { UserStateStore } from '../state/user-state.store';

export const PROCESSOR_CHECKPOINT = 'command-processor';

/**
 * Before deciding on a partition it has just been given, the processor fences the previous
 * owner and folds every event of that partition past its checkpoint into the partition's memory:
 * 1. it appends a WriterStarted marker: from there on, events of any other writer are void for
 *    every reader (writer-fence.ts), so a previous owner that has not noticed cannot change what
 *    this one decides on;
 * 2. it reads from its checkpoint through the marker, folding only the events the fence admits;
 *    events already in a snapshot (at or below its lastOffset) are skipped, so a crash anywhere
 *    leaves nothing applied twice;
 * 3. if another marker came after its own, it was fenced itself, and stops.
 * The checkpoint is read before any snapshot: a snapshot is always written before the
 * checkpoint that covers it, so nothing between a snapshot and the checkpoint can be missed.
 */
export async function catchUpPartition(
  eventsTopic: string,
  memory: PartitionMemory,
  reader: PartitionReader,
  log: RawEventLog,
  store: UserStateStore,
  onUndecodable: (offset: string, reason: string) => void,
  newWriterId: () => string = randomUUID,
): Promise<number> {
  const partition = memory.partition;
  const saved = await store.loadCheckpoint(partition);
  const writerId = newWriterId();
  const marker = writerStarted(writerId, partition);
  const [markerOffset] = await log.append(partition, [marker]);
  const fence = new WriterFence(saved?.fence ?? null);
  const from = saved === undefined ? 0 : saved.offset + 1;
  let folded = 0;
  let lastRead = -1;
  if (markerOffset === from) {
    // Nothing after the checkpoint but this marker (a quiet partition): no read needed, which
    // spares a reader's group join per partition at every assignment.
    fence.admit(marker, markerOffset);
    lastRead = markerOffset;
    memory.moveFence(fence.current);
    memory.stage(new Map(), markerOffset);
    await store.flush(partition, true);
  }
  if (lastRead < markerOffset)
    await reader.read(eventsTopic, partition, String(from), async (messages) => {
      const decoded: { event: DomainEvent; offset: number }[] = [];
      for (const m of messages) {
        try {
          const event = decodeEvent(m.value);
          const offset = Number(m.offset);
          if (fence.admit(event, offset) && event.type !== 'WriterStarted') decoded.push({ event, offset });
        } catch (err) {
          onUndecodable(m.offset, (err as Error).message);
        }
      }
      const snapshots = await memory.load(decoded.map((d) => d.event.key));
      const changed = new Map<string, UserSnapshot>();
      for (const { event, offset } of decoded) {
        const current = changed.get(event.key) ?? snapshots.get(event.key)!;
        if (offset <= current.lastOffset) continue;
        let state;
        try {
          state = evolveUserKeys(current.state, event);
        } catch (err) {
          // A poison event (the pure fold throws): skipped, as the projections skip and dead-letter it.
          onUndecodable(String(offset), `evolve failed: ${(err as Error).message}`);
          continue;
        }
        changed.set(event.key, { state, lastOffset: offset });
        folded++;
      }
      lastRead = Number(messages[messages.length - 1].offset);
      memory.moveFence(fence.current);
      memory.stage(changed, lastRead);
      await store.flush(partition, true);
    });
  if (lastRead < markerOffset) throw new Error(`partition ${partition}: catch-up ended at ${lastRead}, before its own marker at ${markerOffset}`);
  if (fence.current?.writer !== writerId) throw new WriterFencedError(partition, writerId, fence.current?.writer ?? 'nobody');
  memory.writer = new PartitionWriter(partition, writerId, lastRead + 1);
  return folded;
}
