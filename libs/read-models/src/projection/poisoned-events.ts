import { RecordedEvent } from '@app/contracts';

/** An event a projection's pure code (documentId, bucketKey, evolve) threw on: it is skipped. */
export interface PoisonedEvent {
  readonly recorded: RecordedEvent;
  readonly error: unknown;
}

/**
 * Told of each poisoned event of a batch; the live runner dead-letters them once the batch's
 * writes are done. Without one, the throw fails the batch (it is retried).
 */
export type PoisonSink = (poisoned: PoisonedEvent) => void;

const SKIPPED = Symbol('skipped');

/**
 * Runs the pure step of one event. With a sink, a throw is reported and SKIPPED returned; only
 * pure code runs here, so a store failure can never be taken for poison.
 */
export function pureStep<T>(recorded: RecordedEvent, step: () => T, poisoned?: PoisonSink): T | typeof SKIPPED {
  if (!poisoned) return step();
  try {
    return step();
  } catch (error) {
    poisoned({ recorded, error });
    return SKIPPED;
  }
}

export const isSkipped = <T>(result: T | typeof SKIPPED): result is typeof SKIPPED => result === SKIPPED;

/** The events whose keys (documentId, bucketKey) can be computed; the others reported and left out. */
export function keyedEvents<E extends RecordedEvent>(events: E[], keys: (recorded: E) => unknown, poisoned?: PoisonSink): E[] {
  if (!poisoned) return events; // a throw comes out of the caller's own use of the keys
  return events.filter((recorded) => !isSkipped(pureStep(recorded, () => keys(recorded), poisoned)));
}

/**
 * A whole-batch pure fold for custom projections. Without a sink it just folds. With one, a fold
 * that throws is retried event by event (each one folded after those that did not throw) to find
 * the events it throws on: those are reported and left out, and the fold of the rest is returned.
 * `fold` must not change its inputs (it runs again on a failure).
 */
export function foldWithoutPoison<E extends RecordedEvent, R>(
  events: readonly E[],
  fold: (events: readonly E[]) => R,
  poisoned?: PoisonSink,
): { result: R; events: E[] } {
  try {
    return { result: fold(events), events: [...events] };
  } catch (err) {
    if (!poisoned) throw err;
    const good: E[] = [];
    for (const recorded of events) if (!isSkipped(pureStep(recorded, () => fold([...good, recorded]), poisoned))) good.push(recorded);
    return { result: fold(good), events: good };
  }
}
