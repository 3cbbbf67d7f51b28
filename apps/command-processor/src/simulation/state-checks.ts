import { UserStateStore } from '../state/user-state.store';
import { LogFolds } from './log-folds';
import { SimulatedStore, StoredSnapshot } from './simulated-store';
import { sameJson } from './same-json';
import { Violations } from './violations';

const checkedSnapshots = new WeakSet<StoredSnapshot>();

/**
 * What a restart relies on, checked whenever a snapshot or checkpoint lands: every stored
 * snapshot is the fold of its user's events through its offset, and none is behind an event
 * at or below the partition's checkpoint (catch-up starts after the checkpoint).
 */
export function checkStoredPartition(store: SimulatedStore, folds: LogFolds, partition: number, violations: Violations): void {
  const checkpoint = store.checkpoints.get(partition);
  for (const userId of folds.usersOf(partition)) {
    const stored = store.snapshots.get(userId);
    if (stored && !checkedSnapshots.has(stored)) {
      checkedSnapshots.add(stored); // the log only grows: a snapshot that matched its fold always will
      const folded = folds.at(userId, stored.lastOffset);
      if (folded.lastOffset !== stored.lastOffset || !sameJson(folded.state, JSON.parse(stored.stateJson))) {
        violations.report(`stored snapshot of ${userId} at offset ${stored.lastOffset} is not the fold of the log through it`);
      }
    }
    if (checkpoint === undefined) continue;
    const due = folds.at(userId, checkpoint).lastOffset;
    if (due >= 0 && (stored?.lastOffset ?? -1) < due) {
      violations.report(
        `checkpoint ${partition}/${checkpoint} passes ${userId}'s event at ${due} but the stored snapshot is at ${stored?.lastOffset ?? 'none'}`,
      );
    }
  }
}

/** The processor's memory of a partition holds, for every user, the fold of all the user's events in the log. */
export async function checkMemory(label: string, store: UserStateStore, partition: number, folds: LogFolds, violations: Violations): Promise<void> {
  const users = folds.usersOf(partition);
  const states = await store.partition(partition).load(users);
  for (const userId of users) {
    const folded = folds.at(userId);
    const held = states.get(userId)!;
    if (held.lastOffset !== folded.lastOffset || !sameJson(held.state, folded.state)) {
      violations.report(`${label}: state of ${userId} (through ${held.lastOffset}) differs from the fold of the log (through ${folded.lastOffset})`);
    }
  }
}
