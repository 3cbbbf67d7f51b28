import { MatrixError, isUserId } from '@app/matrix';
import { Requester, TokenVerifier } from './requester';
import { DeviceDeletions } from './device-deletions';

interface CacheEntry {
  readonly requester: Requester | null;
  readonly until: number;
}

/**
 * AUTH_MODE=homeserver: asks the homeserver's /account/whoami. Answers are cached briefly
 * (unknown tokens for a shorter time), so a burst of requests costs one round trip.
 * At most one ask per token is in flight and only it writes the token's entry: asks for a token
 * follow each other, so an older answer (token still valid) can never land after a newer one
 * (token revoked) and put the revoked token back in the cache.
 */
export class HomeserverTokenVerifier implements TokenVerifier {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly asking = new Map<string, Promise<Requester | null>>();
  /** (user, device) -> its cached tokens. */
  private readonly tokensOf = new Map<string, Set<string>>();
  /** Moves on every deletion: an answer asked for before it is not cached. */
  private deletions = 0;

  constructor(
    private readonly homeserverUrl: string,
    private readonly cacheMs: number,
    private readonly fetchFn: typeof fetch = fetch,
    private readonly now: () => number = Date.now,
  ) {}

  /** The verifier, told of every device deletion this process sees. */
  static forgettingDeleted(verifier: HomeserverTokenVerifier, deletions: DeviceDeletions): HomeserverTokenVerifier {
    deletions.subscribe((userId, deviceId) => verifier.forgetDevice(userId, deviceId));
    return verifier;
  }

  async verify(token: string): Promise<Requester | null> {
    const cached = this.cache.get(token);
    if (cached && cached.until > this.now()) return cached.requester;
    const inFlight = this.asking.get(token);
    if (inFlight) return inFlight;
    const asked = this.askAndCache(token).finally(() => {
      if (this.asking.get(token) === asked) this.asking.delete(token);
    });
    this.asking.set(token, asked);
    return asked;
  }

  /** The device was deleted: its tokens are asked about again (the homeserver knows they are dead). */
  forgetDevice(userId: string, deviceId: string): void {
    this.deletions++;
    const key = deviceKey(userId, deviceId);
    for (const token of this.tokensOf.get(key) ?? []) this.cache.delete(token);
    this.tokensOf.delete(key);
  }

  private async askAndCache(token: string): Promise<Requester | null> {
    const deletionsBefore = this.deletions;
    const requester = await this.ask(token);
    if (deletionsBefore !== this.deletions) return requester;
    if (this.cache.size > 100_000) {
      this.cache.clear();
      this.tokensOf.clear();
    }
    this.cache.set(token, { requester, until: this.now() + (requester ? this.cacheMs : Math.min(this.cacheMs, 5000)) });
    if (requester?.deviceId) {
      const key = deviceKey(requester.userId, requester.deviceId);
      const tokens = this.tokensOf.get(key) ?? new Set<string>();
      this.tokensOf.set(key, tokens.add(token));
    }
    return requester;
  }

  private async ask(token: string): Promise<Requester | null> {
    let response: Response;
    try {
      response = await this.fetchFn(new URL('/_matrix/client/v3/account/whoami', this.homeserverUrl), {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(5000),
      });
    } catch {
      throw MatrixError.unavailable('The homeserver could not be reached to check the access token', 2);
    }
    if (response.status === 401 || response.status === 403) return null;
    if (!response.ok) throw MatrixError.unavailable(`The homeserver answered ${response.status} when checking the access token`, 2);
    const body = (await response.json().catch(() => null)) as { user_id?: unknown; device_id?: unknown } | null;
    if (!body || !isUserId(body.user_id)) return null;
    return { userId: body.user_id, deviceId: typeof body.device_id === 'string' ? body.device_id : null };
  }
}

const deviceKey = (userId: string, deviceId: string) => JSON.stringify([userId, deviceId]);
