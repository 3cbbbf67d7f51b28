import { DeviceId, KeysQueryRequest, KeysUploadRequest, OlmMachine, OtherUserIdentity, UserId, initAsync } from '@matrix-org/matrix-sdk-crypto-wasm';
import { suiteEnv } from '../helpers/suite-env';
import { startSystem, systemForSuite } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';

/**
 * Cross-signing with a real Matrix client library: OlmMachines bootstrap cross-signing through our
 * device_signing and signatures endpoints; another machine then trusts what it queries from us.
 */
describe('interop: cross-signing with matrix-sdk-crypto', () => {
  const env = suiteEnv('interop-xsign');
  const system = systemForSuite(env, () => startSystem(env, 1), { before: initAsync });

  /** Sends the machine's queued key uploads and queries and feeds the answers back. */
  async function flush(machine: OlmMachine, client: MatrixClient): Promise<void> {
    for (const request of await machine.outgoingRequests()) {
      const path =
        request instanceof KeysUploadRequest ? '/_matrix/client/v3/keys/upload' : request instanceof KeysQueryRequest ? '/_matrix/client/v3/keys/query' : null;
      if (path === null) continue;
      const response = await client.request('POST', path, JSON.parse(request.body));
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      await machine.markRequestAsSent(String(request.id), request.type, JSON.stringify(response.body));
    }
  }

  /** bootstrapCrossSigning(true), with each request it produces sent to us. */
  async function bootstrap(machine: OlmMachine, client: MatrixClient): Promise<void> {
    const requests = await machine.bootstrapCrossSigning(true);
    if (requests.uploadKeysRequest) {
      const r = await client.request('POST', '/_matrix/client/v3/keys/upload', JSON.parse(requests.uploadKeysRequest.body));
      expect(r.status).toBe(200);
      await machine.markRequestAsSent(String(requests.uploadKeysRequest.id), requests.uploadKeysRequest.type, JSON.stringify(r.body));
    }
    expect(await client.request('POST', '/_matrix/client/v3/keys/device_signing/upload', JSON.parse(requests.uploadSigningKeysRequest.body))).toMatchObject({
      status: 200,
    });
    expect(await client.request('POST', '/_matrix/client/v3/keys/signatures/upload', JSON.parse(requests.uploadSignaturesRequest.body))).toMatchObject({
      status: 200,
      body: { failures: {} },
    });
  }

  it("a second machine sees the first's identity and its device cross-signed by its owner; a verification signature reaches its signer only", async () => {
    const [aliceId, bobId, carolId] = ['@alice:test.local', '@bob:test.local', '@carol:test.local'];
    const alice = await OlmMachine.initialize(new UserId(aliceId), new DeviceId('ALICEDEVICE'));
    const bob = await OlmMachine.initialize(new UserId(bobId), new DeviceId('BOBDEVICE'));
    const carol = await OlmMachine.initialize(new UserId(carolId), new DeviceId('CAROLDEVICE'));
    const url = system.apis[0].url;
    const aliceClient = new MatrixClient(url, tokenFor(aliceId, 'ALICEDEVICE'));
    const bobClient = new MatrixClient(url, tokenFor(bobId, 'BOBDEVICE'));
    const carolClient = new MatrixClient(url, tokenFor(carolId, 'CAROLDEVICE'));
    for (const [machine, client] of [
      [alice, aliceClient],
      [bob, bobClient],
      [carol, carolClient],
    ] as const)
      await flush(machine, client);

    await bootstrap(alice, aliceClient);
    await bootstrap(bob, bobClient);
    expect((await alice.crossSigningStatus()).hasMaster).toBe(true);

    // Bob queries Alice: a valid identity, and her device signed by her self-signing key.
    await bob.updateTrackedUsers([new UserId(aliceId)]);
    await flush(bob, bobClient);
    const identity = await bob.getIdentity(new UserId(aliceId));
    expect(identity).toBeInstanceOf(OtherUserIdentity);
    const device = await bob.getDevice(new UserId(aliceId), new DeviceId('ALICEDEVICE'));
    expect(device!.isCrossSignedByOwner()).toBe(true);
    expect(device!.isCrossSigningTrusted()).toBe(false); // Bob has not verified Alice yet

    // Bob verifies Alice: his user-signing key signs her master key, uploaded through us.
    const verification = await (identity as OtherUserIdentity).verify();
    expect(await bobClient.request('POST', '/_matrix/client/v3/keys/signatures/upload', JSON.parse(verification.body))).toMatchObject({
      status: 200,
      body: { failures: {} },
    });
    const seenByBob = await bobClient.request('POST', '/_matrix/client/v3/keys/query', { device_keys: { [aliceId]: [] } });
    expect(Object.keys(seenByBob.body.master_keys[aliceId].signatures)).toContain(bobId);

    // Carol (and Alice herself) never see Bob's signature; Carol still sees Alice's device cross-signed.
    for (const client of [carolClient, aliceClient]) {
      const seen = await client.request('POST', '/_matrix/client/v3/keys/query', { device_keys: { [aliceId]: [] } });
      expect(Object.keys(seen.body.master_keys[aliceId].signatures)).not.toContain(bobId);
    }
    await carol.updateTrackedUsers([new UserId(aliceId)]);
    await flush(carol, carolClient);
    expect((await carol.getDevice(new UserId(aliceId), new DeviceId('ALICEDEVICE')))!.isCrossSignedByOwner()).toBe(true);
    for (const m of [alice, bob, carol]) m.close();
  });
});
