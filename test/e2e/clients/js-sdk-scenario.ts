/**
 * Two users on matrix-js-sdk (36.x) with its Rust crypto, in plain Node, talking only to the
 * gateway: run as a child process by gateway-matrix-js-sdk.test.ts (matrix-js-sdk is an ES module,
 * which Node's require loads but Jest's module system does not). Prints one JSON line per step
 * and a last `{"done": ...}` line with what it observed; exits 1 on the first failure.
 *
 *   node scripts/run.js test/e2e/clients/js-sdk-scenario.ts <gateway url>
 */
import * as sdk from 'matrix-js-sdk';
import { logger } from 'matrix-js-sdk/lib/logger';
import { login, register } from '../../helpers/synapse-system';

const base = process.argv[2];
const step = (name: string, fields: Record<string, unknown> = {}) => process.stdout.write(`${JSON.stringify({ step: name, ...fields })}\n`);

/** Conditions met by the clients' own sync loops: checked every 100 ms, up to a deadline. */
async function until<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every /sync answer a client got, to see what it was told (device_lists.changed). */
type SyncLog = Record<string, unknown>[];

async function startClient(account: { userId: string; deviceId: string; accessToken: string }, syncs: SyncLog = []): Promise<sdk.MatrixClient> {
  const fetchFn = async (input: string | URL | Request, init?: RequestInit) => {
    const response = await fetch(input, init);
    if (String(input).includes('/sync?') && response.ok) syncs.push((await response.clone().json()) as Record<string, unknown>);
    return response;
  };
  const client = sdk.createClient({
    baseUrl: base,
    userId: account.userId,
    deviceId: account.deviceId,
    accessToken: account.accessToken,
    fetchFn: fetchFn as typeof fetch,
  });
  await client.initRustCrypto({ useIndexedDB: false });
  const prepared = new Promise<void>((resolve) => client.on(sdk.ClientEvent.Sync, (state) => state === 'PREPARED' && resolve()));
  await client.startClient({ initialSyncLimit: 20 });
  await prepared;
  return client;
}

/** The clear body of the message with this body in the room, once the client decrypted it. */
function decrypted(client: sdk.MatrixClient, roomId: string, body: string): string | null {
  const events = client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [];
  const event = events.find((e) => e.isEncrypted() && !e.isDecryptionFailure() && e.getType() === 'm.room.message' && e.getContent().body === body);
  return event ? (event.getContent().body as string) : null;
}

async function main(): Promise<void> {
  logger.setLevel('error'); // the SDK logs every request at debug
  const aliceAccount = await register(base, 'alice', 'alice laptop');
  const bobAccount = await register(base, 'bob', 'bob laptop');
  const aliceSyncs: SyncLog = [];
  const alice = await startClient(aliceAccount, aliceSyncs);
  const bob = await startClient(bobAccount);
  step('clients started', { alice: aliceAccount.deviceId, bob: bobAccount.deviceId });

  const { room_id: roomId } = await alice.createRoom({ invite: [bobAccount.userId], name: 'secrets' });
  await until('bob invited', () => bob.getRoom(roomId)?.getMyMembership() === 'invite');
  await bob.joinRoom(roomId);
  await until('alice sees bob joined', () => alice.getRoom(roomId)?.getMember(bobAccount.userId)?.membership === 'join');
  await alice.sendStateEvent(roomId, 'm.room.encryption' as never, { algorithm: 'm.megolm.v1.aes-sha2' } as never, '');
  await until(
    'encryption on for both',
    async () => (await alice.getCrypto()!.isEncryptionEnabledInRoom(roomId)) && (await bob.getCrypto()!.isEncryptionEnabledInRoom(roomId)),
  );
  step('room encrypted', { roomId });

  // bob's client uploads its keys in the background once started: alice encrypts for the devices she knows.
  await until("alice knows bob's device and its keys", async () =>
    (await alice.getCrypto()!.getUserDeviceInfo([bobAccount.userId], true)).get(bobAccount.userId)?.has(bobAccount.deviceId),
  );
  await alice.sendMessage(roomId, { msgtype: sdk.MsgType.Text, body: 'hello bob' });
  const first = await until('bob decrypts the first message', () => decrypted(bob, roomId, 'hello bob'));
  step('bob decrypted', { body: first });

  const seenBefore = aliceSyncs.length;
  const bobPhoneAccount = await login(base, 'bob', 'bob phone');
  const bobPhone = await startClient(bobPhoneAccount);
  step('bob logged in a second device', { device: bobPhoneAccount.deviceId });
  await until('alice told bob changed', () =>
    aliceSyncs.slice(seenBefore).some((s) => ((s.device_lists as { changed?: string[] } | undefined)?.changed ?? []).includes(bobAccount.userId)),
  );
  step('alice saw bob in device_lists.changed');
  await until('alice knows the new device and its keys', async () => {
    const devices = await alice.getCrypto()!.getUserDeviceInfo([bobAccount.userId], true);
    return devices.get(bobAccount.userId)?.has(bobPhoneAccount.deviceId);
  });
  await alice.sendMessage(roomId, { msgtype: sdk.MsgType.Text, body: 'hello bob phone' });
  const second = await until('the new device decrypts the next message', () => decrypted(bobPhone, roomId, 'hello bob phone'));
  step('bob phone decrypted', { body: second });

  await bobPhone.logout(true);
  const query = async () => {
    const response = await fetch(`${base}/_matrix/client/v3/keys/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${aliceAccount.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ device_keys: { [bobAccount.userId]: [] } }),
    });
    return Object.keys(((await response.json()) as { device_keys: Record<string, Record<string, unknown>> }).device_keys[bobAccount.userId] ?? {});
  };
  const remaining = await until('the logged-out device leaves /keys/query', async () => {
    const devices = await query();
    return devices.includes(bobPhoneAccount.deviceId) ? null : devices;
  });
  step('bob phone gone from /keys/query', { remaining });

  alice.stopClient();
  bob.stopClient();
  process.stdout.write(`${JSON.stringify({ done: { first, second, remaining, bobDevice: bobAccount.deviceId } })}\n`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stdout.write(`${JSON.stringify({ failed: err.stack ?? err.message })}\n`);
    process.exit(1);
  },
);
