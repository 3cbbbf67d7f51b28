/** Port: tells the key server that a device exists, by the path a homeserver's device.created takes. */
export interface DeviceAnnouncer {
  announce(userId: string, deviceId: string): Promise<void>;
}

/** How many (user, device) pairs one process remembers; a forgotten one is announced again, harmlessly. */
export const SIGHTINGS_KEPT = 100_000;

/** Longest a request waits for its device's announcement (Kafka answers in milliseconds when it is up). */
export const ANNOUNCE_WAIT_MS = 1000;

const realWait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * A device whose access token was verified exists, whether or not it uploaded keys (a client sends
 * to-device messages to devices that only logged in). The first verified request of a (user,
 * device) this process has not seen announces it, and waits until the announcement is in the log,
 * so anything the device or others do after that answer is decided after it. Downstream it is a
 * no-op for a known device, so several instances (or a restart) announcing it again do no harm.
 * Concurrent first requests share one announcement; a failed one is retried by the next request.
 * With Kafka unreachable a request waits at most ANNOUNCE_WAIT_MS for it, then goes on (its own
 * writes answer 503 then anyway; reads should not hang on an announcement).
 */
export class DeviceSightings {
  private readonly seen = new Set<string>();
  private readonly pending = new Map<string, Promise<void>>();
  /** Moves on every deletion: an announcement that was out meanwhile is not remembered. */
  private deletions = 0;

  constructor(
    private readonly announcer: DeviceAnnouncer,
    private readonly onError: (err: Error) => void,
    private readonly kept = SIGHTINGS_KEPT,
    private readonly wait: (ms: number) => Promise<void> = realWait,
  ) {}

  /** Resolves once the device is announced, the announcement failed (logged, not thrown), or the wait is over. */
  sighted(userId: string, deviceId: string): Promise<void> {
    const key = JSON.stringify([userId, deviceId]);
    if (this.seen.has(key)) return Promise.resolve();
    let settled = this.pending.get(key);
    if (!settled) {
      const deletionsBefore = this.deletions;
      const announced = this.announcer.announce(userId, deviceId).then(
        () => {
          if (deletionsBefore === this.deletions) this.remember(key);
        },
        (err: Error) => this.onError(err),
      );
      settled = announced.finally(() => this.pending.delete(key));
      this.pending.set(key, settled);
    }
    return Promise.race([settled, this.wait(ANNOUNCE_WAIT_MS)]);
  }

  /** The device was deleted: a login with the same device ID later is announced again. */
  forget(userId: string, deviceId: string): void {
    this.deletions++;
    this.seen.delete(JSON.stringify([userId, deviceId]));
  }

  private remember(key: string): void {
    if (this.seen.size >= this.kept) this.seen.delete(this.seen.values().next().value!); // oldest first
    this.seen.add(key);
  }
}
