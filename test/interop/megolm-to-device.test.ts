import {
  DecryptionSettings,
  DeviceId,
  DeviceLists,
  EncryptionSettings,
  KeysClaimRequest,
  KeysQueryRequest,
  KeysUploadRequest,
  OlmMachine,
  RoomId,
  ToDeviceRequest,
  TrustRequirement,
  UserId,
  initAsync,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import { suiteEnv } from '../helpers/suite-env';
import { startSystem, systemForSuite } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { expectNoKeyClaimedTwice } from '../helpers/claims';

/**
 * A Megolm room key travels as the clients really send it: Bob's OlmMachine shares it with
 * /sendToDevice, Alice's machine receives it from the sync extension's `to_device`, and Alice
 * decrypts Bob's room message with it.
 */
describe('interop: a Megolm room key through /sendToDevice and the sync extension', () => {
  const env = suiteEnv('interop-megolm');
  const system = systemForSuite(env, () => startSystem(env, 2), { before: initAsync });

  /** Sends the machine's queued key and to-device requests to us and feeds the answers back. */
  async function flush(machine: OlmMachine, client: MatrixClient): Promise<void> {
    for (const request of await machine.outgoingRequests()) {
      const [method, path] =
        request instanceof KeysUploadRequest
          ? ['POST', '/_matrix/client/v3/keys/upload']
          : request instanceof KeysQueryRequest
            ? ['POST', '/_matrix/client/v3/keys/query']
            : request instanceof KeysClaimRequest
              ? ['POST', '/_matrix/client/v3/keys/claim']
              : request instanceof ToDeviceRequest
                ? ['PUT', `/_matrix/client/v3/sendToDevice/${request.event_type}/${request.txn_id}`]
                : [null, null];
      if (path === null) continue;
      const response = await client.request(method!, path, JSON.parse(request.body));
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      await machine.markRequestAsSent(String(request.id), request.type, JSON.stringify(response.body));
    }
  }

  it('Alice decrypts a room message after receiving the room key as a to-device message', async () => {
    const [aliceId, bobId, roomId] = ['@alice:test.local', '@bob:test.local', '!room:test.local'];
    const alice = await OlmMachine.initialize(new UserId(aliceId), new DeviceId('ALICE'));
    const bob = await OlmMachine.initialize(new UserId(bobId), new DeviceId('BOB'));
    const aliceClient = new MatrixClient(system.apis[0].url, tokenFor(aliceId, 'ALICE'));
    const bobClient = new MatrixClient(system.apis[1].url, tokenFor(bobId, 'BOB'));
    await flush(alice, aliceClient);
    await flush(bob, bobClient);
    const start = (await aliceClient.request('GET', '/_keyserver/v1/sync')).body.next_batch as string;

    // Bob learns Alice's device, claims a one-time key, and shares a room key with her.
    await bob.updateTrackedUsers([new UserId(aliceId)]);
    await flush(bob, bobClient);
    const claim = await bob.getMissingSessions([new UserId(aliceId)]);
    const claimed = await bobClient.request('POST', '/_matrix/client/v3/keys/claim', JSON.parse(claim!.body));
    await bob.markRequestAsSent(claim!.id, claim!.type, JSON.stringify(claimed.body));
    const shares = await bob.shareRoomKey(new RoomId(roomId), [new UserId(aliceId)], new EncryptionSettings());
    expect(shares.length).toBeGreaterThan(0);
    for (const share of shares) {
      const sent = await bobClient.request('PUT', `/_matrix/client/v3/sendToDevice/${share.event_type}/${share.txn_id}`, JSON.parse(share.body));
      expect(sent.status).toBe(200);
      await bob.markRequestAsSent(share.id, share.type, '{}');
    }
    const content = await bob.encryptRoomEvent(
      new RoomId(roomId),
      'm.room.message',
      JSON.stringify({ msgtype: 'm.text', body: 'hello through the key server' }),
    );

    // Alice's sync extension hands her the encrypted room key; her machine takes it in.
    const synced = (await aliceClient.request('GET', `/_keyserver/v1/sync?since=${start}&timeout=10000`)).body;
    expect(synced.to_device.events).toEqual([expect.objectContaining({ sender: bobId, type: 'm.room.encrypted' })]);
    await alice.receiveSyncChanges(
      JSON.stringify(synced.to_device.events),
      new DeviceLists(),
      new Map(Object.entries(synced.device_one_time_keys_count as Record<string, number>)),
      new Set(synced.device_unused_fallback_key_types as string[]),
    );

    const event = {
      type: 'm.room.encrypted',
      event_id: '$message',
      sender: bobId,
      origin_server_ts: Date.now(),
      room_id: roomId,
      content: JSON.parse(content),
    };
    const decrypted = await alice.decryptRoomEvent(JSON.stringify(event), new RoomId(roomId), new DecryptionSettings(TrustRequirement.Untrusted));
    expect(JSON.parse(decrypted.event)).toMatchObject({ type: 'm.room.message', content: { body: 'hello through the key server' } });
    alice.close();
    bob.close();
  });

  it('records no one-time key as claimed twice in e2ee.events', async () => {
    expect(await expectNoKeyClaimedTwice(env)).toBeGreaterThan(0);
  });
});
