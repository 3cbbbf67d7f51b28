/** Staged users that make a flush due before the interval has passed: bounds a write's size. */
export const FLUSH_WHEN_STAGED = 256;

/**
 * When a partition's staged states are written: when forced, when its last flush is older than
 * the interval, or when many users wait. The first flush counts from time 0 (the clock's epoch).
 */
export class FlushSchedule {
  private readonly lastFlush = new Map<number, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  due(partition: number, staged: number, force: boolean): boolean {
    if (staged === 0) return false;
    return force || this.now() - (this.lastFlush.get(partition) ?? 0) >= this.intervalMs || staged >= FLUSH_WHEN_STAGED;
  }

  flushed(partition: number): void {
    this.lastFlush.set(partition, this.now());
  }
}
