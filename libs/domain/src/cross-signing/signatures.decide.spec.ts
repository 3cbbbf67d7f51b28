import { Command, CrossSigningKeyUpload } from '@app/contracts';
import { canonicalJson } from '@app/matrix';
import { CrossSigningKeyPair, crossSigningKey, newDeviceIdentity, signObject, signedDeviceKeys } from '@app/testing';
import { decideUserKeys } from '../user-keys/user-keys.decide';
import { evolveUserKeys } from '../user-keys/user-keys.evolve';
import { UserKeysState, initialUserKeysState } from '../user-keys/user-keys.state';
import { emptyDevice } from '../devices/devices.state';
import { Decision } from '../shared/decision';

const alice = '@alice:x';
const bob = '@bob:x';
let seq = 0;
const command = (type: Command['type'], data: unknown): Command =>
  ({ schemaVersion: 1, key: alice, correlationId: 'c', causationId: null, id: `s${++seq}`, time: 1000, type, data }) as Command;
const keysOf = (pairs: Record<string, CrossSigningKeyPair>): CrossSigningKeyUpload[] =>
  Object.entries(pairs).map(([kind, p]) => ({ kind: kind as CrossSigningKeyUpload['kind'], publicKey: p.publicKey, json: canonicalJson(p.object) }));
const signatures = (objects: { targetUserId: string; keyId: string; object: Record<string, unknown> }[]): Command =>
  command('UploadSignatures', {
    userId: alice,
    objects: objects.map((o) => ({ targetUserId: o.targetUserId, keyId: o.keyId, json: canonicalJson(o.object) })),
  });
function run(state: UserKeysState, c: Command): { decision: Decision; state: UserKeysState } {
  const decision = decideUserKeys(state, c);
  return { decision, state: decision.ok ? decision.events.reduce(evolveUserKeys, state) : state };
}
const failuresOf = (d: Decision) => (d.ok && d.result.kind === 'signatures' ? d.result.failures.map((f) => [f.keyId, f.code]) : 'rejected');
const recorded = (d: Decision) => (d.ok ? d.events.flatMap((e) => (e.type === 'SignaturesUploaded' ? e.data.signatures.map((s) => s.signerKeyId) : [])) : []);

describe('decide: signature uploads', () => {
  const master = crossSigningKey(alice, 'master');
  const selfSigning = crossSigningKey(alice, 'self_signing', master);
  const userSigning = crossSigningKey(alice, 'user_signing', master);
  const device = newDeviceIdentity(alice, 'ADEV');
  const deviceKeys = signedDeviceKeys(device);
  const bobMaster = crossSigningKey(bob, 'master');
  const ready = [
    command('UploadCrossSigningKeys', { userId: alice, authenticated: false, keys: keysOf({ master, self_signing: selfSigning, user_signing: userSigning }) }),
  ].reduce((s, c) => run(s, c).state, {
    ...initialUserKeysState(),
    devices: { ADEV: { ...emptyDevice(), keysJson: canonicalJson(deviceKeys) } },
  } as UserKeysState);

  it('a device signed by the self-signing key, the master key signed by a device, another master key by the user-signing key', () => {
    const { decision } = run(
      ready,
      signatures([
        { targetUserId: alice, keyId: 'ADEV', object: signObject(deviceKeys, alice, `ed25519:${selfSigning.publicKey}`, selfSigning.privateKey) },
        { targetUserId: alice, keyId: master.publicKey, object: signObject(master.object, alice, 'ed25519:ADEV', device.privateKey) },
        {
          targetUserId: bob,
          keyId: bobMaster.publicKey,
          object: signObject(bobMaster.object, alice, `ed25519:${userSigning.publicKey}`, userSigning.privateKey),
        },
      ]),
    );
    expect(failuresOf(decision)).toEqual([]);
    expect(recorded(decision)).toEqual([`ed25519:${selfSigning.publicKey}`, 'ed25519:ADEV', `ed25519:${userSigning.publicKey}`]);
  });

  it('each object fails on its own: wrong signer, changed content, unknown key; the rest is recorded', () => {
    const stranger = crossSigningKey(alice, 'self_signing');
    const { decision } = run(
      ready,
      signatures([
        { targetUserId: alice, keyId: 'ADEV', object: signObject(deviceKeys, alice, `ed25519:${selfSigning.publicKey}`, stranger.privateKey) },
        {
          targetUserId: alice,
          keyId: master.publicKey,
          object: signObject({ ...master.object, usage: ['master', 'x'] }, alice, 'ed25519:ADEV', device.privateKey),
        },
        { targetUserId: alice, keyId: 'NOPE', object: deviceKeys },
        {
          targetUserId: bob,
          keyId: bobMaster.publicKey,
          object: signObject(bobMaster.object, alice, `ed25519:${userSigning.publicKey}`, userSigning.privateKey),
        },
      ]),
    );
    expect(failuresOf(decision)).toEqual([
      ['ADEV', 'INVALID_SIGNATURE'],
      [master.publicKey, 'SIGNED_OBJECT_MISMATCH'],
      ['NOPE', 'UNKNOWN_KEY'],
    ]);
    expect(recorded(decision)).toEqual([`ed25519:${userSigning.publicKey}`]);
  });

  it('re-uploading a recorded signature is harmless: no failure, nothing recorded again', () => {
    const signed = signObject(bobMaster.object, alice, `ed25519:${userSigning.publicKey}`, userSigning.privateKey);
    const first = run(ready, signatures([{ targetUserId: bob, keyId: bobMaster.publicKey, object: signed }]));
    const again = run(first.state, signatures([{ targetUserId: bob, keyId: bobMaster.publicKey, object: signed }]));
    expect(recorded(first.decision)).toHaveLength(1);
    expect(again.decision).toMatchObject({ ok: true, events: [], result: { failures: [] } });
  });

  it('without a self-signing or user-signing key there is nothing to verify with', () => {
    const bare = { ...initialUserKeysState(), devices: { ADEV: { ...emptyDevice(), keysJson: canonicalJson(deviceKeys) } } };
    const { decision } = run(
      bare,
      signatures([
        { targetUserId: alice, keyId: 'ADEV', object: signObject(deviceKeys, alice, `ed25519:${selfSigning.publicKey}`, selfSigning.privateKey) },
        {
          targetUserId: bob,
          keyId: bobMaster.publicKey,
          object: signObject(bobMaster.object, alice, `ed25519:${userSigning.publicKey}`, userSigning.privateKey),
        },
      ]),
    );
    expect(failuresOf(decision)).toEqual([
      ['ADEV', 'INVALID_SIGNATURE'],
      [bobMaster.publicKey, 'INVALID_SIGNATURE'],
    ]);
  });

  it('other signatures an object carries (as copied from /keys/query) are passed over; the one it is for is recorded', () => {
    const gone = newDeviceIdentity(alice, 'GONE');
    const withExtra = signObject(
      signObject(deviceKeys, alice, `ed25519:${selfSigning.publicKey}`, selfSigning.privateKey),
      alice,
      `ed25519:${userSigning.publicKey}`,
      userSigning.privateKey,
    );
    const masterEchoed = signObject(signObject(master.object, alice, 'ed25519:GONE', gone.privateKey), alice, 'ed25519:ADEV', device.privateKey);
    const { decision } = run(
      ready,
      signatures([
        { targetUserId: alice, keyId: 'ADEV', object: withExtra },
        { targetUserId: alice, keyId: master.publicKey, object: masterEchoed },
      ]),
    );
    expect(failuresOf(decision)).toEqual([]);
    expect(recorded(decision)).toEqual([`ed25519:${selfSigning.publicKey}`, 'ed25519:ADEV']);
    // A master key without any device signature of the uploader's fails.
    expect(failuresOf(run(ready, signatures([{ targetUserId: alice, keyId: master.publicKey, object: master.object }])).decision)).toEqual([
      [master.publicKey, 'INVALID_SIGNATURE'],
    ]);
  });
});
