import { crossSigningKey, signObject, signedDeviceKeys } from '@app/testing';
import { ALICE, AuthzFixture, BOB } from './fixture';
import { Row, changesPath, error, keysPath, ok } from './row';
import { eventually } from '../eventually';

/** What Bob sees of Alice's keys: a signature stored on his behalf would show here, not to Alice. */
async function bobSeesAliceUnchanged(f: AuthzFixture): Promise<void> {
  const seen = (await f.b1.query({ device_keys: { [ALICE]: [] } })).body;
  expect(seen.master_keys[ALICE]).toEqual(f.aliceMaster.object);
  expect(seen.device_keys[ALICE].A1).toEqual(expect.objectContaining({ signatures: (f.a1SignedBySelf as { signatures: unknown }).signatures }));
}

const sync = (since: string) => `/_keyserver/v1/sync?since=${encodeURIComponent(since)}&timeout=0`;

/** The /keys/* endpoints, /sendToDevice and the sync extension. In order: later rows read what earlier ones wrote. */
export const keyRows = (f: AuthzFixture): Row[] => [
  // /keys/upload: device keys are the token's device's; naming another device or user is refused.
  {
    endpoint: 'POST keys/upload',
    who: 'own',
    what: 'A1 re-uploads its own device keys',
    act: () => f.a1.upload({ device_keys: signedDeviceKeys(f.a1Device) }),
    expected: ok(),
  },
  {
    endpoint: 'POST keys/upload',
    who: 'other device',
    what: "A2 uploads A1's signed device keys",
    act: () => f.a2.upload({ device_keys: signedDeviceKeys(f.a1Device) }),
    expected: error(400, 'M_BAD_JSON'),
  },
  {
    endpoint: 'POST keys/upload',
    who: 'other user',
    what: "Bob uploads Alice's signed A1 device keys",
    act: () => f.b1.upload({ device_keys: signedDeviceKeys(f.a1Device) }),
    expected: error(400, 'M_BAD_JSON'),
  },
  // /keys/query is public by design (any user reads any user's device and master keys), but a user-signing key only by its owner.
  {
    endpoint: 'POST keys/query',
    who: 'own',
    what: 'Alice sees her user-signing key',
    act: () => f.a1.query({ device_keys: { [ALICE]: [] } }),
    expected: ok(expect.objectContaining({ user_signing_keys: { [ALICE]: f.aliceUserSigning.object } })),
  },
  {
    endpoint: 'POST keys/query',
    who: 'other user',
    what: "Bob sees Alice's devices but not her user-signing key",
    act: () => f.b1.query({ device_keys: { [ALICE]: [] } }),
    expected: ok(expect.objectContaining({ device_keys: { [ALICE]: { A1: expect.anything(), A2: expect.anything() } }, user_signing_keys: {} })),
  },
  // /keys/claim is public by design: Bob consumes one of A1's keys, exactly one, and nothing of A2.
  {
    endpoint: 'POST keys/claim',
    who: 'other user',
    what: "Bob claims one of A1's one-time keys (by design); A2's keys untouched",
    act: () => f.b1.request('POST', keysPath('claim'), { one_time_keys: { [ALICE]: { A1: 'signed_curve25519' } } }),
    expected: ok({ one_time_keys: { [ALICE]: { A1: { 'signed_curve25519:k1': expect.anything() } } }, failures: {} }),
    aliceAfter: (s) => ({ ...s, oneTimeKeyCounts: { ...s.oneTimeKeyCounts, A1: { signed_curve25519: s.oneTimeKeyCounts.A1.signed_curve25519 - 1 } } }),
  },
  // /keys/changes: the caller's view; a token names no user, and Bob shares no room with Alice.
  {
    endpoint: 'GET keys/changes',
    who: 'own',
    what: 'Alice sees her own changes',
    act: () => f.a1.request('GET', changesPath(f.since.A1)),
    expected: ok({ changed: [ALICE], left: [] }),
  },
  {
    endpoint: 'GET keys/changes',
    who: 'other user',
    what: "Bob with his token does not see Alice's changes",
    act: () => f.b1.request('GET', changesPath(f.since.B1)),
    expected: ok({ changed: [BOB], left: [] }),
  },
  {
    endpoint: 'GET keys/changes',
    who: 'other user',
    what: "Bob with Alice's token still sees only his view",
    act: () => f.b1.request('GET', changesPath(f.since.A1)),
    expected: ok({ changed: [BOB], left: [] }),
  },
  // /keys/device_signing/upload: the keys are the caller's; another user's objects are refused; replacing one's own needs UIA.
  {
    endpoint: 'POST keys/device_signing/upload',
    who: 'own',
    what: 'Alice re-uploads her identical keys',
    act: () => f.a1.request('POST', keysPath('device_signing/upload'), { master_key: f.aliceMaster.object, self_signing_key: f.aliceSelf.object }),
    expected: ok({}),
  },
  {
    endpoint: 'POST keys/device_signing/upload',
    who: 'other device',
    what: "A2 replaces Alice's master key without UIA",
    act: () => f.a2.request('POST', keysPath('device_signing/upload'), { master_key: crossSigningKey(ALICE, 'master').object }),
    expected: { status: 401, body: expect.objectContaining({ flows: expect.any(Array), session: expect.any(String) }) },
  },
  {
    endpoint: 'POST keys/device_signing/upload',
    who: 'other user',
    what: "Bob uploads Alice's own master key objects",
    act: () => f.b1.request('POST', keysPath('device_signing/upload'), { master_key: f.aliceMaster.object, self_signing_key: f.aliceSelf.object }),
    expected: error(400, 'M_INVALID_PARAM'),
  },
  {
    endpoint: 'POST keys/device_signing/upload',
    who: 'other user',
    what: "Bob uploads a new master key in Alice's name",
    act: () => f.b1.request('POST', keysPath('device_signing/upload'), { master_key: crossSigningKey(ALICE, 'master').object }),
    expected: error(400, 'M_INVALID_PARAM'),
  },
  // /keys/signatures/upload: 200 with per-object failures; nothing lands on Alice's keys.
  {
    endpoint: 'POST keys/signatures/upload',
    who: 'own',
    what: 'Alice re-uploads her self-signing signature on A1',
    act: () => f.a1.request('POST', keysPath('signatures/upload'), { [ALICE]: { A1: f.a1SignedBySelf } }),
    expected: ok({ failures: {} }),
  },
  {
    endpoint: 'POST keys/signatures/upload',
    who: 'other device',
    what: "A2 signs A1's device keys with its device key (only the self-signing key may)",
    act: () =>
      f.a2.request('POST', keysPath('signatures/upload'), {
        [ALICE]: { A1: signObject(signedDeviceKeys(f.a1Device), ALICE, 'ed25519:A2', f.a2Device.privateKey) },
      }),
    expected: ok({ failures: { [ALICE]: { A1: { errcode: expect.stringMatching(/^M_/), error: expect.any(String) } } } }),
  },
  {
    endpoint: 'POST keys/signatures/upload',
    who: 'other user',
    what: "Bob signs Alice's device A1 (not a master key)",
    act: () =>
      f.b1.request('POST', keysPath('signatures/upload'), {
        [ALICE]: { A1: signObject(signedDeviceKeys(f.a1Device), BOB, 'ed25519:B1', f.b1Device.privateKey) },
      }),
    expected: ok({ failures: { [ALICE]: { A1: { errcode: 'M_NOT_FOUND', error: expect.any(String) } } } }),
    check: () => bobSeesAliceUnchanged(f),
  },
  {
    endpoint: 'POST keys/signatures/upload',
    who: 'other user',
    what: "Bob signs Alice's self-signing key (not a master key)",
    act: () =>
      f.b1.request('POST', keysPath('signatures/upload'), {
        [ALICE]: { [f.aliceSelf.publicKey]: signObject(f.aliceSelf.object, BOB, 'ed25519:B1', f.b1Device.privateKey) },
      }),
    expected: ok({ failures: { [ALICE]: { [f.aliceSelf.publicKey]: { errcode: 'M_NOT_FOUND', error: expect.any(String) } } } }),
    check: () => bobSeesAliceUnchanged(f),
  },
  {
    endpoint: 'POST keys/signatures/upload',
    who: 'other user',
    what: "Bob signs Alice's master key with a key that is not his user-signing key (he has none)",
    act: () =>
      f.b1.request('POST', keysPath('signatures/upload'), {
        [ALICE]: { [f.aliceMaster.publicKey]: signObject(f.aliceMaster.object, BOB, `ed25519:${f.bobMaster.publicKey}`, f.bobMaster.privateKey) },
      }),
    expected: ok({ failures: { [ALICE]: { [f.aliceMaster.publicKey]: { errcode: expect.stringMatching(/^M_/), error: expect.any(String) } } } }),
    check: () => bobSeesAliceUnchanged(f),
  },
  // /sendToDevice writes into another user's inbox by design; the sender is the token's user whatever the body says.
  {
    endpoint: 'PUT sendToDevice',
    who: 'other user',
    what: 'Bob sends to A2 claiming to be Alice in the content',
    act: () => f.b1.request('PUT', '/_matrix/client/v3/sendToDevice/m.test/authz-1', { messages: { [ALICE]: { A2: { sender: ALICE, n: 1 } } } }),
    expected: ok({}),
  },
  // The sync extension: each device reads its own inbox and counts.
  {
    endpoint: 'GET _keyserver/v1/sync',
    who: 'own',
    what: "A2 receives Bob's message, sender Bob",
    // The 200 of /sendToDevice means the message is in the log; A2's inbox shows it once the
    // to-device projection has it, so A2 syncs again from the same token, as a client would.
    act: () =>
      eventually(
        () => f.a2.request('GET', sync(f.since.A2)),
        (r) => r.status !== 200 || r.body.to_device?.events?.length > 0,
      ),
    expected: ok(
      expect.objectContaining({
        to_device: { events: [{ sender: BOB, type: 'm.test', content: { sender: ALICE, n: 1 } }] },
        device_one_time_keys_count: { signed_curve25519: 2 },
      }),
    ),
  },
  {
    endpoint: 'GET _keyserver/v1/sync',
    who: 'other device',
    what: "A1 does not receive A2's message and sees its own counts",
    act: () => f.a1.request('GET', sync(f.since.A1)),
    expected: ok(
      expect.objectContaining({
        to_device: { events: [] },
        device_one_time_keys_count: { signed_curve25519: 2 },
        device_unused_fallback_key_types: ['signed_curve25519'],
      }),
    ),
  },
  {
    endpoint: 'GET _keyserver/v1/sync',
    who: 'other user',
    what: "Bob with A2's token reads his own inbox, not A2's",
    act: () => f.b1.request('GET', sync(f.since.A2)),
    expected: ok(expect.objectContaining({ to_device: { events: [] }, device_one_time_keys_count: { signed_curve25519: 1 } })),
  },
];
