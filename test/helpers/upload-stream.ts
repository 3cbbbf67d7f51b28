import { newDeviceIdentity, signedDeviceKeys } from '@app/testing';
import { MatrixClient, tokenFor } from './matrix-client';

export interface PlannedUpload {
  readonly userId: string;
  readonly deviceId: string;
  readonly deviceKeys: Record<string, unknown>;
}

export function planUploads(prefix: string, users: number, devicesPerUser: number): PlannedUpload[] {
  const plan: PlannedUpload[] = [];
  for (let u = 0; u < users; u++) {
    const userId = `@${prefix}${u}:test.local`;
    for (let d = 0; d < devicesPerUser; d++) {
      const deviceId = `DEV${d}`;
      plan.push({ userId, deviceId, deviceKeys: signedDeviceKeys(newDeviceIdentity(userId, deviceId)) });
    }
  }
  return plan;
}

/**
 * Uploads every planned device with `concurrency` clients. A 503 (no decision in time, log
 * unavailable) is retried with the same body, as a Matrix client would; anything else but 200
 * fails the run. Calls `onAcknowledged` with the running count of 200s.
 */
export async function uploadAll(
  url: () => string,
  plan: readonly PlannedUpload[],
  concurrency: number,
  onAcknowledged: (count: number) => void | Promise<void> = () => undefined,
): Promise<{ retries: number }> {
  let next = 0;
  let acknowledged = 0;
  let retries = 0;
  const worker = async () => {
    while (next < plan.length) {
      const item = plan[next++];
      const deadline = Date.now() + 120_000;
      for (;;) {
        const client = new MatrixClient(url(), tokenFor(item.userId, item.deviceId));
        const result = await client.upload({ device_keys: item.deviceKeys }).catch(() => ({ status: 599, body: null }));
        if (result.status === 200) break;
        if ((result.status !== 503 && result.status !== 599) || Date.now() > deadline) {
          throw new Error(`upload of ${item.userId}/${item.deviceId} failed: ${result.status} ${JSON.stringify(result.body)}`);
        }
        retries++;
        await new Promise((r) => setTimeout(r, 200));
      }
      await onAcknowledged(++acknowledged);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { retries };
}
