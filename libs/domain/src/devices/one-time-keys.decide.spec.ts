import { generateKeyPairSync } from 'node:crypto';
import { ClaimKeysCommand, DomainEvent, UploadKeysCommand } from '@app/contracts';
import { canonicalJson, encodeUnpaddedBase64 } from '@app/matrix';
import { newDeviceIdentity, signObject, signedDeviceKeys } from '@app/testing';
import { decideUserKeys } from '../user-keys/user-keys.decide';
import { evolveUserKeys } from '../user-keys/user-keys.evolve';
import { UserKeysState, initialUserKeysState } from '../user-keys/user-keys.state';

const USER = '@alice:example.org';
const device = newDeviceIdentity(USER, 'DEV');
const deviceKeysJson = canonicalJson(signedDeviceKeys(device));

let seq = 0;
const curve = () => encodeUnpaddedBase64(Buffer.from(generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }).x!, 'base64url'));
const signedKey = (extra: Record<string, unknown> = {}) => canonicalJson(signObject({ key: curve(), ...extra }, USER, 'ed25519:DEV', device.privateKey));

function upload(data: Partial<UploadKeysCommand['data']>, id = `u${++seq}`): UploadKeysCommand {
  return {
    id,
    type: 'UploadKeys',
    schemaVersion: 1,
    key: USER,
    time: 1,
    correlationId: id,
    causationId: null,
    data: { userId: USER, deviceId: 'DEV', deviceKeysJson: null, oneTimeKeys: [], fallbackKeys: [], verifySignatures: true, ...data },
  };
}

function claim(deviceId = 'DEV', algorithm = 'signed_curve25519', id = `c${++seq}`): ClaimKeysCommand {
  return {
    id,
    type: 'ClaimKeys',
    schemaVersion: 1,
    key: USER,
    time: 1,
    correlationId: id,
    causationId: null,
    data: { userId: USER, claims: [{ deviceId, algorithm }], claimedBy: '@bob:x|B' },
  };
}

/** Decides and folds, as the processor does; returns the decision and the new state. */
function run(state: UserKeysState, command: UploadKeysCommand | ClaimKeysCommand) {
  const decision = decideUserKeys(state, command);
  const events: readonly DomainEvent[] = decision.ok ? decision.events : [];
  return { decision, state: events.reduce(evolveUserKeys, state) };
}

const withDevice = () => run(initialUserKeysState(), upload({ deviceKeysJson })).state;
const claimedName = (d: ReturnType<typeof decideUserKeys>) =>
  d.ok && d.result.kind === 'claim' ? d.result.claimed.map((c) => `${c.keyName}${c.fallback ? ' (fallback)' : ''}`) : d;

describe('one-time keys', () => {
  it('counts uploaded keys per algorithm, with signed_curve25519 always present', () => {
    const { decision } = run(
      withDevice(),
      upload({
        oneTimeKeys: [
          { keyName: 'signed_curve25519:A', json: signedKey() },
          { keyName: 'curve25519:B', json: JSON.stringify(curve()) },
        ],
      }),
    );
    expect(decision).toMatchObject({ ok: true, result: { kind: 'upload', oneTimeKeyCounts: { signed_curve25519: 1, curve25519: 1 } } });
    expect(run(withDevice(), upload({})).decision).toMatchObject({ result: { oneTimeKeyCounts: { signed_curve25519: 0 } } });
  });

  it('hands out keys oldest first, each at most once, then nothing', () => {
    let state = withDevice();
    state = run(
      state,
      upload({
        oneTimeKeys: [
          { keyName: 'signed_curve25519:A', json: signedKey() },
          { keyName: 'signed_curve25519:B', json: signedKey() },
        ],
      }),
    ).state;
    state = run(state, upload({ oneTimeKeys: [{ keyName: 'signed_curve25519:C', json: signedKey() }] })).state;
    const names: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const step = run(state, claim());
      names.push(claimedName(step.decision));
      state = step.state;
    }
    expect(names).toEqual([['signed_curve25519:A'], ['signed_curve25519:B'], ['signed_curve25519:C'], []]);
  });

  it('treats a re-upload with the same content (other signatures) as a no-op, and other content as an error', () => {
    const json = signedKey();
    let state = run(withDevice(), upload({ oneTimeKeys: [{ keyName: 'signed_curve25519:A', json }] })).state;
    const again = run(state, upload({ oneTimeKeys: [{ keyName: 'signed_curve25519:A', json }] }));
    expect(again.decision).toMatchObject({ ok: true, events: [], result: { oneTimeKeyCounts: { signed_curve25519: 1 } } });
    state = again.state;
    const resigned = canonicalJson({
      ...JSON.parse(json),
      signatures: { [USER]: { 'ed25519:DEV': JSON.parse(json).signatures[USER]['ed25519:DEV'] }, '@other:x': { 'ed25519:Z': 'sig' } },
    });
    expect(run(state, upload({ oneTimeKeys: [{ keyName: 'signed_curve25519:A', json: resigned }] })).decision).toMatchObject({ ok: true, events: [] });
    expect(run(state, upload({ oneTimeKeys: [{ keyName: 'signed_curve25519:A', json: signedKey() }] })).decision).toMatchObject({
      ok: false,
      rejection: { code: 'ONE_TIME_KEY_CHANGED' },
    });
  });

  it('ignores a re-upload of a key already handed out: it never returns to the pool', () => {
    const json = signedKey();
    let state = run(withDevice(), upload({ oneTimeKeys: [{ keyName: 'signed_curve25519:A', json }] })).state;
    state = run(state, claim()).state;
    const retry = run(state, upload({ oneTimeKeys: [{ keyName: 'signed_curve25519:A', json }] }));
    expect(retry.decision).toMatchObject({ ok: true, events: [], result: { oneTimeKeyCounts: { signed_curve25519: 0 } } });
    expect(claimedName(run(retry.state, claim()).decision)).toEqual([]);
  });

  it('verifies signed keys against the device ed25519 key, unless verification is off', () => {
    const other = newDeviceIdentity(USER, 'DEV');
    const forged = canonicalJson(signObject({ key: curve() }, USER, 'ed25519:DEV', other.privateKey));
    expect(run(withDevice(), upload({ oneTimeKeys: [{ keyName: 'signed_curve25519:A', json: forged }] })).decision).toMatchObject({
      ok: false,
      rejection: { code: 'INVALID_SIGNATURE' },
    });
    expect(run(initialUserKeysState(), upload({ oneTimeKeys: [{ keyName: 'signed_curve25519:A', json: signedKey() }] })).decision).toMatchObject({
      ok: false,
      rejection: { code: 'INVALID_SIGNATURE' },
    });
    expect(run(withDevice(), upload({ verifySignatures: false, oneTimeKeys: [{ keyName: 'signed_curve25519:A', json: forged }] })).decision).toMatchObject({
      ok: true,
    });
    // Unsigned algorithms are not checked.
    expect(run(withDevice(), upload({ oneTimeKeys: [{ keyName: 'curve25519:A', json: JSON.stringify(curve()) }] })).decision).toMatchObject({ ok: true });
  });

  it('verifies against device keys uploaded in the same request', () => {
    expect(
      run(initialUserKeysState(), upload({ deviceKeysJson, oneTimeKeys: [{ keyName: 'signed_curve25519:A', json: signedKey() }] })).decision,
    ).toMatchObject({
      ok: true,
      result: { oneTimeKeyCounts: { signed_curve25519: 1 } },
    });
  });
});

describe('fallback keys', () => {
  const fallback = signedKey({ fallback: true });

  it('is handed out when no one-time key is left, marked used once, and handed out again until replaced', () => {
    let state = run(
      withDevice(),
      upload({ oneTimeKeys: [{ keyName: 'signed_curve25519:A', json: signedKey() }], fallbackKeys: [{ keyName: 'signed_curve25519:F', json: fallback }] }),
    ).state;
    const first = run(state, claim());
    expect(claimedName(first.decision)).toEqual(['signed_curve25519:A']);
    const second = run(first.state, claim());
    expect(claimedName(second.decision)).toEqual(['signed_curve25519:F (fallback)']);
    expect(second.decision.ok && second.decision.events.map((e) => e.type)).toEqual(['FallbackKeyUsed']);
    const third = run(second.state, claim());
    expect(claimedName(third.decision)).toEqual(['signed_curve25519:F (fallback)']);
    expect(third.decision.ok && third.decision.events.map((e) => e.type)).toEqual(['ClaimDecided']); // remembered, changes nothing
    state = third.state;
    expect(state.devices.DEV.fallbackKeys).toEqual([expect.objectContaining({ keyName: 'signed_curve25519:F', used: true })]);

    // The identical key again keeps the used flag; a new one replaces it as unused.
    state = run(state, upload({ fallbackKeys: [{ keyName: 'signed_curve25519:F', json: fallback }] })).state;
    expect(state.devices.DEV.fallbackKeys[0].used).toBe(true);
    state = run(state, upload({ fallbackKeys: [{ keyName: 'signed_curve25519:G', json: signedKey({ fallback: true }) }] })).state;
    expect(state.devices.DEV.fallbackKeys).toEqual([expect.objectContaining({ keyName: 'signed_curve25519:G', used: false })]);
  });

  it('keeps one fallback key per algorithm', () => {
    let state = run(withDevice(), upload({ fallbackKeys: [{ keyName: 'signed_curve25519:F', json: fallback }] })).state;
    state = run(state, upload({ fallbackKeys: [{ keyName: 'curve25519:F2', json: JSON.stringify(curve()) }] })).state;
    expect(state.devices.DEV.fallbackKeys.map((f) => f.algorithm).sort()).toEqual(['curve25519', 'signed_curve25519']);
  });
});

describe('claims', () => {
  it('leaves unknown devices and algorithms without keys out of the result', () => {
    const state = run(withDevice(), upload({ oneTimeKeys: [{ keyName: 'signed_curve25519:A', json: signedKey() }] })).state;
    expect(claimedName(run(state, claim('NOPE')).decision)).toEqual([]);
    expect(claimedName(run(state, claim('DEV', 'other_alg')).decision)).toEqual([]);
  });

  it('answers a redelivered claim with the same keys it handed out, without new events', () => {
    let state = run(
      withDevice(),
      upload({
        oneTimeKeys: [
          { keyName: 'signed_curve25519:A', json: signedKey() },
          { keyName: 'signed_curve25519:B', json: signedKey() },
        ],
      }),
    ).state;
    const command = claim();
    const first = run(state, command);
    state = first.state;
    const again = decideUserKeys(state, command);
    expect(again).toEqual({ ok: true, events: [], result: (first.decision as { result: unknown }).result });
  });
});

describe('a claim that found nothing', () => {
  it('is remembered, so its redelivery after an upload takes no key nobody receives', () => {
    const empty = run(withDevice(), claim('DEV', 'signed_curve25519', 'empty-1'));
    expect(claimedName(empty.decision)).toEqual([]);
    const uploaded = run(empty.state, upload({ oneTimeKeys: [{ keyName: 'signed_curve25519:A', json: signedKey() }] })).state;
    const redelivered = run(uploaded, claim('DEV', 'signed_curve25519', 'empty-1'));
    expect(claimedName(redelivered.decision)).toEqual([]);
    expect(redelivered.decision.ok && redelivered.decision.events).toEqual([]);
    expect(claimedName(run(redelivered.state, claim()).decision)).toEqual(['signed_curve25519:A']);
  });
});
