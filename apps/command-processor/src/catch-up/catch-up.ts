import { decodeEvent, DomainEvent } from '@app/contracts';
import { evolveUserKeys } from '@app/domain';
import { PartitionReader } from '@app/kafka';
import { UserSnapshot } from '../state/ports';
import { UserStateStore } from '../state/user-state.store';

export const PROCESSOR_CHECKPOINT = 'command-processor';

/**
 * Before deciding on a partition it has just been given, the processor folds every event of
 * that partition past its checkpoint into the partition's memory. Events already in a snapshot
 * (at or below its lastOffset) are skipped, so a crash anywhere leaves nothing applied twice.
 * The checkpoint is read before any snapshot: a snapshot is always written before the
 * checkpoint that covers it, so nothing between a snapshot and the checkpoint can be missed.
 */
export async function catchUpPartition(
  eventsTopic: string,
  partition: number,
  reader: PartitionReader,
  store: UserStateStore,
  onUndecodable: (offset: string, reason: string) => void,
): Promise<number> {
  const saved = await store.loadCheckpoint(partition);
  const memory = store.partition(partition);
  let folded = 0;
  await reader.read(eventsTopic, partition, String(saved === undefined ? 0 : saved + 1), async (messages) => {
    const decoded: { event: DomainEvent; offset: number }[] = [];
    for (const m of messages) {
      try {
        decoded.push({ event: decodeEvent(m.value), offset: Number(m.offset) });
      } catch (err) {
        onUndecodable(m.offset, (err as Error).message);
      }
    }
    const snapshots = await memory.load(decoded.map((d) => d.event.key));
    const changed = new Map<string, UserSnapshot>();
    for (const { event, offset } of decoded) {
      const current = changed.get(event.key) ?? snapshots.get(event.key)!;
      if (offset <= current.lastOffset) continue;
      changed.set(event.key, { state: evolveUserKeys(current.state, event), lastOffset: offset });
      folded++;
    }
    memory.stage(changed, Number(messages[messages.length - 1].offset));
    await store.flush(partition, true);
  });
  return folded;
}
