import { MatrixError } from '@app/matrix';

/** Port: checks a user's password for the `m.login.password` stage. */
export interface PasswordVerifier {
  /** Whether passwords can be checked at all (the stage is advertised only then). */
  available(): Promise<boolean>;
  /** False for a wrong password; throws a MatrixError (503, or 429) when the homeserver cannot say. */
  verify(userId: string, password: string): Promise<boolean>;
}

/** Logout attempts for the check's own session, and the pause between them. */
const LOGOUT_ATTEMPTS = 3;
const LOGOUT_RETRY_MS = 200;

/** How long the homeserver's login flows are trusted (a failed look-up is retried sooner). */
const FLOWS_CACHE_MS = 5 * 60 * 1000;
const FLOWS_RETRY_MS = 30 * 1000;

export const PASSWORD_VERIFIER = Symbol('PASSWORD_VERIFIER');

/**
 * Checks the password with the homeserver itself: a `m.login.password` login, whose new device is
 * logged out at once. (Homeservers offer no password check without a login.)
 */
export class HomeserverPasswordVerifier implements PasswordVerifier {
  private flows: { readonly password: boolean; readonly until: number } | null = null;

  constructor(
    private readonly homeserverUrl: string,
    private readonly fetchFn: typeof fetch = fetch,
    /** Told when the check's session could not be logged out: an operator must remove that device. */
    private readonly logoutFailed: (userId: string, reason: string) => void = () => undefined,
    private readonly pause: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Only if the homeserver offers password logins (an OAuth-delegated one does not). */
  async available(): Promise<boolean> {
    if (this.flows && this.flows.until > Date.now()) return this.flows.password;
    try {
      const response = await this.fetchFn(new URL('/_matrix/client/v3/login', this.homeserverUrl));
      const body = (await response.json()) as { flows?: { type?: string }[] };
      const password = response.status === 200 && (body.flows ?? []).some((f) => f.type === 'm.login.password');
      this.flows = { password, until: Date.now() + FLOWS_CACHE_MS };
    } catch {
      this.flows = { password: false, until: Date.now() + FLOWS_RETRY_MS };
    }
    return this.flows.password;
  }

  async verify(userId: string, password: string): Promise<boolean> {
    const login = await this.fetchFn(new URL('/_matrix/client/v3/login', this.homeserverUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: userId },
        password,
        initial_device_display_name: 'key server password check',
      }),
    });
    if (login.status === 429) {
      const retryAfterMs = Number(((await login.json().catch(() => ({}))) as { retry_after_ms?: unknown }).retry_after_ms);
      throw MatrixError.limitExceeded('The homeserver limits password checks; try again later', Number.isFinite(retryAfterMs) ? retryAfterMs : 1000);
    }
    // The homeserver could not check it: not a wrong password, which would make clients ask again.
    if (login.status >= 500) throw MatrixError.unavailable('The homeserver could not check the password; try again');
    if (login.status !== 200) return false;
    const { access_token: token } = (await login.json()) as { access_token?: string };
    if (token) await this.logOut(userId, token);
    return true;
  }

  /** The check's own session must not stay behind on the user's account: retried, then reported. */
  private async logOut(userId: string, token: string): Promise<void> {
    let reason = '';
    for (let attempt = 1; attempt <= LOGOUT_ATTEMPTS; attempt++) {
      try {
        const response = await this.fetchFn(new URL('/_matrix/client/v3/logout', this.homeserverUrl), {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
        if (response.status === 200 || response.status === 401) return; // 401: the token is already gone
        reason = `logout answered ${response.status}`;
      } catch (err) {
        reason = `logout failed: ${(err as Error).message}`;
      }
      if (attempt < LOGOUT_ATTEMPTS) await this.pause(LOGOUT_RETRY_MS * attempt);
    }
    this.logoutFailed(userId, reason);
  }
}

/** Without a homeserver (AUTH_MODE=jwt) there is nothing to check a password against. */
export class NoPasswordVerifier implements PasswordVerifier {
  async available(): Promise<boolean> {
    return false;
  }

  async verify(): Promise<boolean> {
    return false;
  }
}
