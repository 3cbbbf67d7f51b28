/** What a simulated store, log or consumer does asynchronously; each kind can be held, failed or lost. */
export type OperationKind =
  | 'snapshot.load'
  | 'snapshot.write'
  | 'checkpoint.load'
  | 'checkpoint.save'
  | 'log.append'
  | 'log.end'
  | 'log.fetch'
  | 'reply.send'
  | 'offset.commit'
  | 'projection.read'
  | 'projection.write'
  | 'projection.checkpoint';

/** One operation in flight: its effect has not happened yet and its caller is still waiting. */
export interface HeldOperation {
  readonly id: number;
  /** The simulated process that started it. */
  readonly owner: string;
  readonly kind: OperationKind;
  /** The partition it is about, when it is about one (for fencing a stale owner's writes). */
  readonly partition: number | null;
  /** Chosen when started: released far less often than the others (a write that lands late). */
  readonly late: boolean;
  land(): unknown;
  answer(value: unknown): void;
  refuse(err: Error): void;
}

/**
 * Every asynchronous port operation of the simulation waits here until the scheduler releases
 * it, in an order the seed chooses: a write can land long after later decisions, fail before
 * or after landing, or be lost with a crashed process.
 */
export class HeldOperations {
  private readonly pending: HeldOperation[] = [];
  private nextId = 0;
  private readonly failures = new Map<OperationKind, Error>();
  /** Operations started so far (a measure of how much a seed explored). */
  started = 0;
  /** While set, operations complete as soon as they are started (the final checks). */
  immediate = false;

  constructor(
    private readonly note: (line: string) => void,
    private readonly isLate: (kind: OperationKind) => boolean = () => false,
  ) {}

  hold<T>(owner: string, kind: OperationKind, partition: number | null, land: () => T): Promise<T> {
    this.started++;
    if (this.immediate) {
      try {
        return Promise.resolve(land());
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return new Promise<T>((resolve, reject) => {
      const late = this.isLate(kind);
      this.pending.push({ id: this.nextId++, owner, kind, partition, late, land, answer: resolve as (value: unknown) => void, refuse: reject });
    });
  }

  get waiting(): readonly HeldOperation[] {
    return this.pending;
  }

  /** Lands the operation's effect and answers its caller. */
  complete(op: HeldOperation): void {
    this.remove(op);
    this.note(`  ${describe(op)} lands`);
    let value: unknown;
    try {
      value = op.land();
    } catch (err) {
      op.refuse(err as Error);
      return;
    }
    op.answer(value);
  }

  /** Fails the operation, after its effect landed or without it: the caller cannot tell which. */
  fail(op: HeldOperation, landed: boolean): void {
    this.remove(op);
    if (landed) op.land();
    this.note(`  ${describe(op)} fails${landed ? ' after landing' : ''}`);
    op.refuse(this.failure(op.kind));
  }

  /** A crashed process: each of its operations lands now or never, and nobody hears back. */
  abandon(owner: string, lands: (op: HeldOperation) => boolean): void {
    for (const op of this.pending.filter((o) => o.owner === owner)) {
      this.remove(op);
      const landed = lands(op);
      if (landed) op.land();
      this.note(`  ${describe(op)} ${landed ? 'lands' : 'is lost'} in the crash`);
    }
  }

  /** One error per kind, made once: capturing a stack per failure costs more than the rest of a step. */
  private failure(kind: OperationKind): Error {
    const known = this.failures.get(kind) ?? new Error(`injected failure of ${kind}`);
    this.failures.set(kind, known);
    return known;
  }

  private remove(op: HeldOperation): void {
    const index = this.pending.indexOf(op);
    if (index >= 0) this.pending.splice(index, 1);
  }
}

const describe = (op: HeldOperation): string => `${op.kind}#${op.id}${op.partition === null ? '' : ` p${op.partition}`} of ${op.owner}`;
