import { RoutedCommand } from '@app/contracts';

/**
 * e2ee.commands and the processors' consumer group: commands per partition, and the offsets the
 * group committed. A commit from an older group generation is refused, as the broker refuses it.
 */
export class SimulatedCommandTopic {
  private readonly commands = new Map<number, RoutedCommand[]>();
  private readonly committed = new Map<number, number>();
  generation = 0;

  constructor(readonly partitions: number) {}

  send(partition: number, command: RoutedCommand): void {
    const list = this.commands.get(partition) ?? [];
    this.commands.set(partition, list);
    list.push(command);
  }

  end(partition: number): number {
    return this.commands.get(partition)?.length ?? 0;
  }

  slice(partition: number, from: number, to: number): RoutedCommand[] {
    return (this.commands.get(partition) ?? []).slice(from, to);
  }

  committedOffset(partition: number): number {
    return this.committed.get(partition) ?? 0;
  }

  /** Background commits are the latest handled offset, one at a time: they only move forward. */
  commit(partition: number, next: number, generation: number): void {
    if (generation !== this.generation) return;
    this.committed.set(partition, Math.max(next, this.committedOffset(partition)));
  }
}
