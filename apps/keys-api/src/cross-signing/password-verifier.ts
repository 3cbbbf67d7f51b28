/** Port: checks a user's password for the `m.login.password` stage. */
export interface PasswordVerifier {
  /** Whether passwords can be checked at all (the stage is advertised only then). */
  available(): Promise<boolean>;
  verify(userId: string, password: string): Promise<boolean>;
}

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
    if (login.status !== 200) return false;
    const { access_token: token } = (await login.json()) as { access_token?: string };
    if (token)
      await this.fetchFn(new URL('/_matrix/client/v3/logout', this.homeserverUrl), { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(
        () => undefined,
      );
    return true;
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
