import { createHmac } from 'node:crypto';
import { MatrixClient } from '../../test/helpers/matrix-client';
import { drive } from './stats';
import { PeerTarget, PeerUser } from './peer-driver';

/** Only what makes /sync cheap: no rooms, presence or account data; the token is all we need. */
const TOKEN_ONLY_FILTER = JSON.stringify({ room: { rooms: [] }, presence: { not_types: ['*'] }, account_data: { not_types: ['*'] } });

/**
 * Synapse as a peer target: users registered through the shared-secret admin API (each
 * registration is a login: it returns the access token and the device id the keys must name),
 * all joined to one room so that /keys/changes has something to report.
 */
export async function synapseTarget(
  url: string,
  sharedSecret: string,
  serverName: string,
  devices: number,
  log: (m: string) => void,
  processes: () => number[],
): Promise<PeerTarget> {
  const anonymous = new MatrixClient(url);
  log(`synapse: registering ${devices} users`);
  const users: PeerUser[] = new Array(devices);
  await drive(devices, 8, async (i) => {
    const username = `peer${i}`;
    const password = `pw-${i}`;
    const { nonce } = (await anonymous.request('GET', '/_synapse/admin/v1/register')).body;
    const mac = createHmac('sha1', sharedSecret).update(`${nonce}\0${username}\0${password}\0notadmin`).digest('hex');
    const r = await anonymous.request('POST', '/_synapse/admin/v1/register', { nonce, username, password, admin: false, mac });
    if (r.status !== 200) throw new Error(`synapse register ${r.status} ${JSON.stringify(r.body)}`);
    users[i] = { userId: r.body.user_id, deviceId: r.body.device_id, token: r.body.access_token };
  });
  if (users[0].userId !== `@peer0:${serverName}`) throw new Error(`unexpected user id ${users[0].userId}`);

  log('synapse: one room for everyone');
  const owner = new MatrixClient(url, users[0].token);
  const room = await owner.request('POST', '/_matrix/client/v3/createRoom', { preset: 'public_chat' });
  if (room.status !== 200) throw new Error(`synapse createRoom ${room.status} ${JSON.stringify(room.body)}`);
  const roomId = encodeURIComponent(room.body.room_id);
  await drive(devices - 1, 4, async (i) => {
    const r = await new MatrixClient(url, users[i + 1].token).request('POST', `/_matrix/client/v3/join/${roomId}`, {});
    if (r.status !== 200) throw new Error(`synapse join ${r.status} ${JSON.stringify(r.body)}`);
  });

  return {
    processes,
    name: 'synapse',
    url,
    users,
    async token() {
      // Uploads are in Synapse's device-list stream once acknowledged, so a plain sync covers them.
      const r = await owner.request('GET', `/_matrix/client/v3/sync?timeout=0&filter=${encodeURIComponent(TOKEN_ONLY_FILTER)}`);
      if (r.status !== 200) throw new Error(`synapse sync ${r.status}`);
      return r.body.next_batch as string;
    },
  };
}
