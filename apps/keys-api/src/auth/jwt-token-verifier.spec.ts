import { JwtTokenVerifier, signJwt } from './jwt-token-verifier';

describe('JwtTokenVerifier', () => {
  const now = 1_700_000_000_000;
  const verifier = new JwtTokenVerifier('secret', () => now);
  const exp = now / 1000 + 60;

  it('accepts an HS256 token with sub, device_id and a future exp', async () => {
    await expect(verifier.verify(signJwt('secret', { sub: '@a:x.org', device_id: 'D', exp }))).resolves.toEqual({ userId: '@a:x.org', deviceId: 'D' });
  });

  it('accepts a token without a device (it cannot upload keys, but may query)', async () => {
    await expect(verifier.verify(signJwt('secret', { sub: '@a:x.org', exp }))).resolves.toEqual({ userId: '@a:x.org', deviceId: null });
  });

  it.each([
    ['another secret', signJwt('other', { sub: '@a:x.org', exp })],
    ['an expired token', signJwt('secret', { sub: '@a:x.org', exp: now / 1000 - 1 })],
    ['a sub that is not a user id', signJwt('secret', { sub: 'alice', exp })],
    ['garbage', 'not.a.jwt'],
    ['two segments', 'abc.def'],
  ])('rejects %s', async (_name, token) => {
    await expect(verifier.verify(token)).resolves.toBeNull();
  });

  it('rejects a token whose header says another algorithm', async () => {
    const token = signJwt('secret', { sub: '@a:x.org', exp });
    const [, payload] = token.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    await expect(verifier.verify(`${header}.${payload}.`)).resolves.toBeNull();
  });
});
