/**
 * Deleted devices as this process's reader of e2ee.events (read-caches.ts) passes them on, for
 * what remembers a device: cached token checks, which must stop answering for a logged-out
 * device without waiting for their entry to expire, and the devices already announced, which a
 * device ID logged in again must announce anew.
 */
export class DeviceDeletions {
  private readonly listeners: ((userId: string, deviceId: string) => void)[] = [];

  subscribe(listener: (userId: string, deviceId: string) => void): void {
    this.listeners.push(listener);
  }

  deleted(userId: string, deviceId: string): void {
    for (const listener of this.listeners) listener(userId, deviceId);
  }
}
