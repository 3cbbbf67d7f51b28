import { JWTVerifyGetKey, createRemoteJWKSet, jwtVerify } from 'jose';
import { isUserId } from '@app/matrix';
import { Requester, TokenVerifier } from './requester';

/** Asymmetric algorithms an OIDC issuer's key set may use (Matrix Authentication Service signs RS256). */
const JWKS_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

/**
 * AUTH_MODE=jwt: tokens with claims `sub` (user id), optional `device_id` and `exp`, verified by
 * `jose` either with the shared HS256 secret or, with AUTH_JWKS_URL, against the issuer's keys.
 */
export class JwtTokenVerifier implements TokenVerifier {
  private constructor(
    private readonly key: Uint8Array | JWTVerifyGetKey,
    private readonly algorithms: string[],
    private readonly now: () => number,
  ) {}

  static withSecret(secret: string, now: () => number = Date.now): JwtTokenVerifier {
    return new JwtTokenVerifier(new TextEncoder().encode(secret), ['HS256'], now);
  }

  /** `keys` is jose's createRemoteJWKSet (cached, refetched on an unknown `kid`) or createLocalJWKSet. */
  static withKeySet(keys: JWTVerifyGetKey, now: () => number = Date.now): JwtTokenVerifier {
    return new JwtTokenVerifier(keys, JWKS_ALGORITHMS, now);
  }

  static withJwksUrl(url: string): JwtTokenVerifier {
    return JwtTokenVerifier.withKeySet(createRemoteJWKSet(new URL(url)));
  }

  async verify(token: string): Promise<Requester | null> {
    let claims: Record<string, unknown>;
    try {
      const options = { algorithms: this.algorithms, currentDate: new Date(this.now()), requiredClaims: ['exp'] };
      // The overloads differ only in the key's type.
      const result = this.key instanceof Uint8Array ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key, options);
      claims = result.payload;
    } catch {
      return null; // bad signature, wrong algorithm, expired, malformed, or the key set unreachable
    }
    if (!isUserId(claims.sub)) return null;
    const deviceId = typeof claims.device_id === 'string' && claims.device_id.length > 0 ? claims.device_id : null;
    return { userId: claims.sub, deviceId };
  }
}
