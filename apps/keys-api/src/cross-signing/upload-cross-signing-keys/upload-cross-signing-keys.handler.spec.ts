import { Outcome } from '@app/contracts';
import { AuthChallenge } from '@app/matrix';
import { crossSigningKey } from '@app/testing';
import { FakeCommandGateway, accepted, rejected } from '../../testing/fake-command-gateway';
import { testSettings } from '../../testing/settings';
import { PasswordVerifier } from '../password-verifier';
import { UploadCrossSigningKeysHandler } from './upload-cross-signing-keys.handler';
import { UploadCrossSigningKeysRequest } from './upload-cross-signing-keys.command';

const alice = { userId: '@alice:example.org', deviceId: 'A' };
const master = crossSigningKey(alice.userId, 'master');

const passwords = (correct: string | null): PasswordVerifier => ({
  available: async () => correct !== null,
  verify: async (_userId, password) => password === correct,
});

/** The owner asks for user-interactive auth unless the upload is authenticated. */
const needsAuth = (draft: { data: unknown }): Outcome =>
  (draft.data as { authenticated: boolean }).authenticated ? accepted({ kind: 'applied' }) : rejected({ code: 'AUTH_REQUIRED', message: 'auth' });

function setUp(answer: (draft: { data: unknown }) => Outcome, password: string | null = null, approvalUrl: string | null = null) {
  const gateway = new FakeCommandGateway(answer);
  const handler = new UploadCrossSigningKeysHandler(gateway.asGateway(), testSettings({ crossSigningApprovalUrl: approvalUrl }), passwords(password));
  return { gateway, upload: (body: Record<string, unknown>) => handler.execute(new UploadCrossSigningKeysRequest(alice, body, 'req')) };
}

async function challengeOf(promise: Promise<unknown>): Promise<AuthChallenge> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthChallenge);
  return err as AuthChallenge;
}

describe('UploadCrossSigningKeysHandler', () => {
  it('stores the first keys without user-interactive auth', async () => {
    const { gateway, upload } = setUp(() => accepted({ kind: 'applied' }));
    await expect(upload({ master_key: master.object })).resolves.toEqual({});
    expect(gateway.executed.map(({ draft }) => (draft.data as { authenticated: boolean }).authenticated)).toEqual([false]);
  });

  it('answers a challenge with the stages on offer, keeping the client’s session', async () => {
    const { upload } = setUp(needsAuth, 'pw', 'https://approve.example.org');
    const challenge = await challengeOf(upload({ master_key: master.object, auth: { session: 's1' } }));
    expect(challenge.status).toBe(401);
    expect(challenge.body()).toEqual({
      flows: [{ stages: ['m.login.password'] }, { stages: ['m.oauth'] }, { stages: ['org.matrix.cross_signing_reset'] }],
      params: { 'm.oauth': { url: 'https://approve.example.org' }, 'org.matrix.cross_signing_reset': { url: 'https://approve.example.org' } },
      session: 's1',
      completed: [],
    });
  });

  it('stores the keys after the right password, and challenges again with M_FORBIDDEN after a wrong one', async () => {
    const right = setUp(needsAuth, 'pw');
    await expect(
      right.upload({ master_key: master.object, auth: { type: 'm.login.password', identifier: { user: 'alice' }, password: 'pw' } }),
    ).resolves.toEqual({});
    expect(right.gateway.executed).toHaveLength(2);

    const wrong = setUp(needsAuth, 'pw');
    const challenge = await challengeOf(wrong.upload({ master_key: master.object, auth: { type: 'm.login.password', password: 'nope', session: 's' } }));
    expect(challenge.body()).toMatchObject({ errcode: 'M_FORBIDDEN', error: 'Invalid password', session: 's' });
    await expect(
      wrong.upload({ master_key: master.object, auth: { type: 'm.login.password', user: '@bob:example.org', password: 'pw' } }),
    ).rejects.toMatchObject({ errcode: 'M_FORBIDDEN', status: 403 });
  });

  it('refuses keys of someone else before sending anything', async () => {
    const { gateway, upload } = setUp(() => accepted({ kind: 'applied' }));
    await expect(upload({ master_key: crossSigningKey('@bob:example.org', 'master').object })).rejects.toMatchObject({ errcode: 'M_INVALID_PARAM' });
    expect(gateway.executed).toEqual([]);
  });
});
