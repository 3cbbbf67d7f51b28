import {
  DeviceId,
  DeviceLists,
  KeysClaimRequest,
  KeysQueryRequest,
  KeysUploadRequest,
  OlmMachine,
  UserId,
  initAsync,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import { suiteEnv } from '../helpers/suite-env';
import { startSystem, systemForSuite } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { expectNoKeyClaimedTwice } from '../helpers/claims';

/**
 * A real Matrix client library against us: two matrix-sdk-crypto OlmMachines upload the bodies
 * they produce, query and claim through our HTTP API, establish an Olm session, and one decrypts
 * what the other encrypted. The to-device message is carried by the test until /sendToDevice lands.
 */
describe('interop: matrix-sdk-crypto OlmMachine', () => {
  const env = suiteEnv('interop-olm');
  const system = systemForSuite(env, () => startSystem(env, 2), { before: initAsync });

  /** Sends every key request the machine has queued to our server and feeds the answers back. */
  async function flush(machine: OlmMachine, client: MatrixClient): Promise<Record<string, number>> {
    const sent: Record<string, number> = {};
    for (const request of await machine.outgoingRequests()) {
      const path =
        request instanceof KeysUploadRequest
          ? '/_matrix/client/v3/keys/upload'
          : request instanceof KeysQueryRequest
            ? '/_matrix/client/v3/keys/query'
            : request instanceof KeysClaimRequest
              ? '/_matrix/client/v3/keys/claim'
              : null;
      if (path === null) continue;
      const response = await client.request('POST', path, JSON.parse(request.body));
      expect({ path, status: response.status, body: response.body }).toMatchObject({ status: 200 });
      const requestId = String(request.id);
      await machine.markRequestAsSent(requestId, request.type, JSON.stringify(response.body));
      sent[path] = (sent[path] ?? 0) + 1;
    }
    return sent;
  }

  it('uploads, queries, claims, and an Olm-encrypted to-device message decrypts on the other side', async () => {
    const aliceId = '@alice:test.local';
    const bobId = '@bob:test.local';
    const alice = await OlmMachine.initialize(new UserId(aliceId), new DeviceId('ALICEDEVICE'));
    const bob = await OlmMachine.initialize(new UserId(bobId), new DeviceId('BOBDEVICE'));
    const aliceClient = new MatrixClient(system.apis[0].url, tokenFor(aliceId, 'ALICEDEVICE'));
    const bobClient = new MatrixClient(system.apis[1].url, tokenFor(bobId, 'BOBDEVICE'));

    // Alice uploads exactly the body her machine produces: device keys, one-time keys, fallback key.
    const uploaded = await flush(alice, aliceClient);
    expect(uploaded['/_matrix/client/v3/keys/upload']).toBeGreaterThanOrEqual(1);
    await flush(bob, bobClient);

    // Bob learns Alice's device through /keys/query (on the other API instance).
    await bob.updateTrackedUsers([new UserId(aliceId)]);
    expect((await flush(bob, bobClient))['/_matrix/client/v3/keys/query']).toBe(1);
    const aliceDevice = await bob.getDevice(new UserId(aliceId), new DeviceId('ALICEDEVICE'));
    expect(aliceDevice).toBeDefined();

    // Bob claims one of Alice's one-time keys through getMissingSessions.
    const claim = await bob.getMissingSessions([new UserId(aliceId)]);
    expect(claim).toBeInstanceOf(KeysClaimRequest);
    const claimed = await bobClient.request('POST', '/_matrix/client/v3/keys/claim', JSON.parse(claim!.body));
    expect(Object.keys(claimed.body.one_time_keys[aliceId].ALICEDEVICE)[0]).toMatch(/^signed_curve25519:/);
    await bob.markRequestAsSent(claim!.id, claim!.type, JSON.stringify(claimed.body));

    // Bob encrypts a to-device payload for Alice's device; Alice decrypts it.
    const content = JSON.parse(await aliceDevice!.encryptToDeviceEvent('org.example.interop', { secret: 'it works' }));
    expect(content.algorithm).toBe('m.olm.v1.curve25519-aes-sha2');
    const counts = (await aliceClient.upload({})).body.one_time_key_counts as Record<string, number>;
    const processed = await alice.receiveSyncChanges(
      JSON.stringify([{ sender: bobId, type: 'm.room.encrypted', content }]),
      new DeviceLists(),
      new Map(Object.entries(counts)),
      new Set(),
    );
    const decrypted = processed.map((e) => JSON.parse((e as unknown as { rawEvent: string }).rawEvent ?? 'null')).filter(Boolean);
    expect(decrypted).toEqual([expect.objectContaining({ type: 'org.example.interop', content: { secret: 'it works' } })]);

    // The claimed key is gone from Alice's pool on the server.
    expect(counts.signed_curve25519).toBeGreaterThan(0);
    alice.close();
    bob.close();
  });

  it('records no one-time key as claimed twice in e2ee.events', async () => {
    expect(await expectNoKeyClaimedTwice(env)).toBeGreaterThan(0);
  });
});
