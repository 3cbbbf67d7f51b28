import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUserId } from '@app/matrix';
import { Requester, TokenVerifier } from './requester';

/** AUTH_MODE=jwt: HS256 tokens with claims `sub` (user id), `device_id` and `exp`. */
export class JwtTokenVerifier implements TokenVerifier {
  constructor(private readonly secret: string, private readonly now: () => number = Date.now) {}

  async verify(token: string): Promise<Requester | null> {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [header, payload, signature] = parts;
    const expected = createHmac('sha256', this.secret).update(`${header}.${payload}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const head = parseJson(header);
    const claims = parseJson(payload);
    if (head?.alg !== 'HS256' || !claims) return null;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.now()) return null;
    if (!isUserId(claims.sub)) return null;
    const deviceId = typeof claims.device_id === 'string' && claims.device_id.length > 0 ? claims.device_id : null;
    return { userId: claims.sub, deviceId };
  }
}

function parseJson(segment: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? value : null;
  } catch {
    return null;
  }
}

/** Issues a token the way a homeserver-side issuer would; used by tests, the CLI and load generators. */
export function signJwt(secret: string, claims: { sub: string; device_id?: string; exp: number }): string {
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}
