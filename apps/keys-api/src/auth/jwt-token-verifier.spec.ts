import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { signJwt } from '../../../../test/helpers/jwt';
import { JwtTokenVerifier } from './jwt-token-verifier';

const now = 1_700_000_000_000;
const exp = now / 1000 + 60;

describe('JwtTokenVerifier with the HS256 secret', () => {
  const verifier = JwtTokenVerifier.withSecret('secret', () => now);

  it('accepts an HS256 token with sub, device_id and a future exp', async () => {
    await expect(verifier.verify(signJwt('secret', { sub: '@a:x.org', device_id: 'D', exp }))).resolves.toEqual({ userId: '@a:x.org', deviceId: 'D' });
  });

  it('accepts a token without a device (it cannot upload keys, but may query)', async () => {
    await expect(verifier.verify(signJwt('secret', { sub: '@a:x.org', exp }))).resolves.toEqual({ userId: '@a:x.org', deviceId: null });
  });

  it.each([
    ['another secret', signJwt('other', { sub: '@a:x.org', exp })],
    ['an expired token', signJwt('secret', { sub: '@a:x.org', exp: now / 1000 - 1 })],
    ['a token expiring this second', signJwt('secret', { sub: '@a:x.org', exp: now / 1000 })],
    ['a sub that is not a user id', signJwt('secret', { sub: 'alice', exp })],
    ['garbage', 'not.a.jwt'],
    ['two segments', 'abc.def'],
  ])('rejects %s', async (_name, token) => {
    await expect(verifier.verify(token)).resolves.toBeNull();
  });

  it('rejects a token without exp', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('@a:x.org').sign(new TextEncoder().encode('secret'));
    await expect(verifier.verify(token)).resolves.toBeNull();
  });

  it('rejects a token whose header says another algorithm', async () => {
    const token = signJwt('secret', { sub: '@a:x.org', exp });
    const [, payload] = token.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    await expect(verifier.verify(`${header}.${payload}.`)).resolves.toBeNull();
  });
});

describe('JwtTokenVerifier with AUTH_JWKS_URL', () => {
  let server: Server;
  let url: string;
  const keys: Record<string, Awaited<ReturnType<typeof generateKeyPair>>> = {};

  beforeAll(async () => {
    keys.RS256 = await generateKeyPair('RS256');
    keys.ES256 = await generateKeyPair('ES256');
    keys.EdDSA = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const jwks = { keys: await Promise.all(Object.entries(keys).map(async ([alg, pair]) => ({ ...(await exportJWK(pair.publicKey)), kid: alg, alg }))) };
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const sign = (alg: string, key: Parameters<SignJWT['sign']>[0], claims: Record<string, unknown> = { device_id: 'D' }) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg, kid: alg })
      .setSubject('@a:x.org')
      .setExpirationTime(Math.floor(Date.now() / 1000) + 60)
      .sign(key);

  it.each(['RS256', 'ES256', 'EdDSA'])('accepts a %s token signed by a key of the set', async (alg) => {
    const verifier = JwtTokenVerifier.withJwksUrl(url);
    await expect(verifier.verify(await sign(alg, keys[alg].privateKey))).resolves.toEqual({ userId: '@a:x.org', deviceId: 'D' });
  });

  it('rejects a token signed by a key outside the set, and an HS256 token however it is signed', async () => {
    const verifier = JwtTokenVerifier.withJwksUrl(url);
    const stranger = await generateKeyPair('RS256');
    await expect(verifier.verify(await sign('RS256', stranger.privateKey))).resolves.toBeNull();
    await expect(verifier.verify(signJwt('secret', { sub: '@a:x.org', exp: Math.floor(Date.now() / 1000) + 60 }))).resolves.toBeNull();
  });

  it('rejects every token while the key set cannot be fetched', async () => {
    const verifier = JwtTokenVerifier.withJwksUrl('http://127.0.0.1:9/jwks.json');
    await expect(verifier.verify(await sign('RS256', keys.RS256.privateKey))).resolves.toBeNull();
  });
});
