import { RecordedEvent, encodeMessage } from '@app/contracts';
import { ConsumedMessage } from '@app/kafka';
import { DeadLetterSink, deadLetterMessage } from '@app/platform';
import { PoisonSink, PoisonedEvent } from '@app/read-models';

/**
 * Applies one live batch with poisoned events skipped, then dead-letters those (with the
 * projection's name, counted and logged) before the caller saves the checkpoint past them. A
 * failed apply (the store) dead-letters nothing and throws: the batch is retried. A failed
 * dead-letter write throws too; the retried batch's writes are position-guarded, so harmless.
 */
export async function applySettingPoisonAside(
  apply: (poisoned: PoisonSink) => Promise<number>,
  messages: readonly ConsumedMessage[],
  projection: string,
  sink: DeadLetterSink,
): Promise<number> {
  const poisoned = new Map<string, PoisonedEvent>(); // by offset: each event once
  const applied = await apply((p) => poisoned.set(p.recorded.offset, p));
  const byOffset = new Map(messages.map((m) => [m.offset, m]));
  for (const { recorded, error } of poisoned.values()) {
    const message = byOffset.get(recorded.offset) ?? reEncoded(recorded, messages[0]?.topic ?? '');
    await deadLetterMessage(message, 'evolve', error, sink, {
      'x-projection': projection,
      'x-event-id': recorded.event.id,
      'x-event-type': recorded.event.type,
    });
  }
  return applied;
}

/** Only if the consumed message is not at hand: the event as it was decoded. */
function reEncoded(recorded: RecordedEvent, topic: string): ConsumedMessage {
  return { topic, partition: recorded.partition, offset: recorded.offset, key: recorded.event.key, value: encodeMessage(recorded.event), headers: {} };
}
