import { MatrixClient, tokenFor } from '../../test/helpers/matrix-client';
import { settle } from '../../test/helpers/settle';
import { Feed } from './feed';
import { PeerTarget, PeerUser } from './peer-driver';

/**
 * The key server as a peer target, on a system already started (three service processes, like
 * Synapse its own process): JWT tokens, and one room for everyone fed through hs.events as a
 * homeserver would, so that /keys/changes reports the uploads as it does on Synapse.
 */
export async function keyServerTarget(
  url: string,
  env: NodeJS.ProcessEnv,
  devices: number,
  log: (m: string) => void,
  processes: () => number[],
): Promise<PeerTarget> {
  const server = env.SERVER_NAME!;
  const users: PeerUser[] = Array.from({ length: devices }, (_, i) => {
    const userId = `@peer${i}:${server}`;
    return { userId, deviceId: `PEERDEV${i}`, token: tokenFor(userId, `PEERDEV${i}`, env.AUTH_JWT_SECRET) };
  });
  log('key server: one room for everyone (hs.events)');
  const feed = new Feed(env);
  await feed.send([
    feed.joins(
      `!peer:${server}`,
      users.map((u) => u.userId),
    ),
  ]);
  await feed.close();
  await settle(env, 'device-lists', 1, 600_000);
  const reader = new MatrixClient(url, users[0].token);
  return {
    processes,
    name: 'key server',
    url,
    users,
    async token() {
      // The sync extension's next_batch covers what the device-lists projection applied: wait for it first.
      await settle(env, 'device-lists', 1, 600_000);
      const r = await reader.request('GET', '/_keyserver/v1/sync');
      if (r.status !== 200) throw new Error(`key server sync ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.next_batch as string;
    },
  };
}
