import { createHmac } from 'node:crypto';

/**
 * An HS256 token for the tests, signed synchronously: `tokenFor` has dozens of synchronous call
 * sites and jose signs only asynchronously. Production code verifies with jose
 * (jwt-token-verifier.ts) and the load generator signs with it; the unit spec checks that jose
 * accepts what this helper signs.
 */
export function signJwt(secret: string, claims: { sub: string; device_id?: string; exp: number }): string {
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}
