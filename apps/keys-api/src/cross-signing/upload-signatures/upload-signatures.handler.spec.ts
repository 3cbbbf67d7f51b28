import { CrossSigningKeysDoc } from '@app/read-models';
import { canonicalJson } from '@app/matrix';
import { crossSigningKey } from '@app/testing';
import { FakeCommandGateway, accepted, rejected } from '../../testing/fake-command-gateway';
import { testSettings } from '../../testing/settings';
import { CrossSigningKeysReader } from '../cross-signing-keys.reader';
import { UploadSignaturesHandler } from './upload-signatures.handler';
import { UploadSignaturesRequest } from './upload-signatures.command';

const alice = { userId: '@alice:example.org', deviceId: 'A' };
const bobMaster = crossSigningKey('@bob:example.org', 'master');

/** The read side as a map: users' cross-signing documents. */
const reader = (docs: Partial<CrossSigningKeysDoc>[]) =>
  ({ read: async (userIds: readonly string[]) => docs.filter((d) => userIds.includes(d.userId!)) }) as unknown as CrossSigningKeysReader;

function setUp(answer = () => accepted({ kind: 'signatures', failures: [] })) {
  const gateway = new FakeCommandGateway(answer);
  const handler = new UploadSignaturesHandler(
    gateway.asGateway(),
    reader([{ userId: '@bob:example.org', master: canonicalJson(bobMaster.object) }]),
    testSettings(),
  );
  return { gateway, upload: (body: Record<string, unknown>) => handler.execute(new UploadSignaturesRequest(alice, body, 'req')) };
}

describe('UploadSignaturesHandler', () => {
  it('sends the objects it can check here, and reports the others in failures, without a command when none is left', async () => {
    const { gateway, upload } = setUp();
    const result = await upload({
      '@bob:example.org': { [bobMaster.publicKey]: bobMaster.object, other: { user_id: '@bob:example.org' } },
      '@eve:other.org': { K: {} },
      '@alice:example.org': { float: { x: 1.5 } },
    });
    expect(Object.keys(result.failures).sort()).toEqual(['@alice:example.org', '@bob:example.org', '@eve:other.org']);
    expect(result.failures['@bob:example.org'].other.errcode).toBe('M_NOT_FOUND');
    expect(result.failures['@eve:other.org'].K.errcode).toBe('M_UNRECOGNIZED');
    expect(result.failures['@alice:example.org'].float.errcode).toBe('M_BAD_JSON');
    expect(gateway.executed.map(({ draft }) => draft.data)).toEqual([
      { userId: alice.userId, objects: [{ targetUserId: '@bob:example.org', keyId: bobMaster.publicKey, json: canonicalJson(bobMaster.object) }] },
    ]);

    const nothing = setUp();
    await expect(nothing.upload({ '@eve:other.org': { K: {} } })).resolves.toMatchObject({
      failures: { '@eve:other.org': { K: { errcode: 'M_UNRECOGNIZED' } } },
    });
    expect(nothing.gateway.executed).toEqual([]);
  });

  it('adds the owner’s refusals to failures, and maps a refused command', async () => {
    const refusing = setUp(() =>
      accepted({ kind: 'signatures', failures: [{ targetUserId: alice.userId, keyId: 'ed25519:A', code: 'INVALID_SIGNATURE', message: 'bad' }] }),
    );
    await expect(refusing.upload({ [alice.userId]: { 'ed25519:A': { user_id: alice.userId } } })).resolves.toEqual({
      failures: { [alice.userId]: { 'ed25519:A': { errcode: 'M_INVALID_SIGNATURE', error: 'bad' } } },
    });
    const rejecting = setUp(() => rejected({ code: 'INVALID_COMMAND', message: 'no' }));
    await expect(rejecting.upload({ [alice.userId]: { 'ed25519:A': {} } })).rejects.toMatchObject({ errcode: 'M_BAD_JSON' });
  });

  it('refuses a malformed body before reading anything', async () => {
    const { gateway, upload } = setUp();
    await expect(upload({ bob: {} })).rejects.toMatchObject({ errcode: 'M_INVALID_PARAM', message: 'Not a user id: bob' });
    await expect(upload({ '@bob:example.org': { K: 'x' } })).rejects.toMatchObject({
      errcode: 'M_INVALID_PARAM',
      message: '@bob:example.org/K must be a signed key object',
    });
    expect(gateway.executed).toEqual([]);
  });
});
