import { evolveUserKeys, initialUserKeysState, UserKeysState } from '@app/domain';
import { SimulatedEventLog } from './simulated-log';

/** A user's state as the fold of their events in the log through some offset. */
export interface FoldedState {
  /** The offset of the user's last event folded in, -1 before any. */
  readonly lastOffset: number;
  readonly state: UserKeysState;
}

const EMPTY: FoldedState = { lastOffset: -1, state: initialUserKeysState() };

/** The domain's evolve over each user's events in the log, kept up with the log as it grows. */
export class LogFolds {
  private readonly versions = new Map<string, FoldedState[]>();
  private readonly states = new Map<string, UserKeysState>();
  private readonly seen = new Map<number, number>();
  private readonly users = new Map<number, Set<string>>();

  constructor(private readonly log: SimulatedEventLog) {}

  /** The user's state folded through `through` (the whole log when omitted). */
  at(userId: string, through = Number.MAX_SAFE_INTEGER): FoldedState {
    this.catchUp();
    const list = this.versions.get(userId) ?? [];
    for (let i = list.length - 1; i >= 0; i--) if (list[i].lastOffset <= through) return list[i];
    return EMPTY;
  }

  /** Users with events in a partition. */
  usersOf(partition: number): string[] {
    this.catchUp();
    return [...(this.users.get(partition) ?? [])];
  }

  private catchUp(): void {
    for (const partition of this.log.partitions) {
      const events = this.log.events(partition);
      for (let i = this.seen.get(partition) ?? 0; i < events.length; i++) {
        const { event, offset } = events[i];
        if (!this.log.stands(events[i])) continue;
        this.users.set(partition, (this.users.get(partition) ?? new Set()).add(event.key));
        const state = evolveUserKeys(this.states.get(event.key) ?? initialUserKeysState(), event);
        this.states.set(event.key, state);
        const list = this.versions.get(event.key) ?? [];
        this.versions.set(event.key, list);
        list.push({ lastOffset: Number(offset), state });
      }
      this.seen.set(partition, events.length);
    }
  }
}
