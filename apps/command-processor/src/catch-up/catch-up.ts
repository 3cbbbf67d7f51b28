import { decodeEvent, DomainEvent } from '@app/contracts';
import { evolveUserKeys } from '@app/domain';
import { CheckpointStore } from '@app/mongo';
import { PartitionReader } from '@app/kafka';
import { UserSnapshot, UserStateStore } from '../state/user-state.store';

export const PROCESSOR_CHECKPOINT = 'command-processor';

/**
 * Before deciding on a partition it has just been given, the processor folds every event of
 * that partition past its checkpoint into the snapshots. Events already in a snapshot (at or
 * below its lastOffset) are skipped, so a crash anywhere leaves nothing applied twice.
 */
export async function catchUpPartition(
  eventsTopic: string,
  partition: number,
  reader: PartitionReader,
  store: UserStateStore,
  checkpoints: CheckpointStore,
  onUndecodable: (offset: string, reason: string) => void,
): Promise<number> {
  const saved = (await checkpoints.load(PROCESSOR_CHECKPOINT)).get(partition);
  const from = saved === undefined ? '0' : (BigInt(saved) + 1n).toString();
  let folded = 0;
  await reader.read(eventsTopic, partition, from, async (messages) => {
    const decoded: { event: DomainEvent; offset: number }[] = [];
    for (const m of messages) {
      try {
        decoded.push({ event: decodeEvent(m.value), offset: Number(m.offset) });
      } catch (err) {
        onUndecodable(m.offset, (err as Error).message);
      }
    }
    const snapshots = await store.load(decoded.map((d) => d.event.key));
    const changed = new Map<string, UserSnapshot>();
    for (const { event, offset } of decoded) {
      const current = changed.get(event.key) ?? snapshots.get(event.key)!;
      if (offset <= current.lastOffset) continue;
      changed.set(event.key, { state: evolveUserKeys(current.state, event), lastOffset: offset });
      folded++;
    }
    await store.save(partition, changed);
    await checkpoints.save(PROCESSOR_CHECKPOINT, partition, messages[messages.length - 1].offset);
  });
  return folded;
}
