/** Port: checks a user's password for the `m.login.password` stage. */
export interface PasswordVerifier {
  verify(userId: string, password: string): Promise<boolean>;
}

export const PASSWORD_VERIFIER = Symbol('PASSWORD_VERIFIER');

/**
 * Checks the password with the homeserver itself: a `m.login.password` login, whose new device is
 * logged out at once. (Homeservers offer no password check without a login.)
 */
export class HomeserverPasswordVerifier implements PasswordVerifier {
  constructor(
    private readonly homeserverUrl: string,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  async verify(userId: string, password: string): Promise<boolean> {
    const login = await this.fetchFn(new URL('/_matrix/client/v3/login', this.homeserverUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: userId }, password, initial_device_display_name: 'key server password check' }),
    });
    if (login.status !== 200) return false;
    const { access_token: token } = (await login.json()) as { access_token?: string };
    if (token) await this.fetchFn(new URL('/_matrix/client/v3/logout', this.homeserverUrl), { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
    return true;
  }
}

/** Without a homeserver (AUTH_MODE=jwt) there is nothing to check a password against. */
export class NoPasswordVerifier implements PasswordVerifier {
  async verify(): Promise<boolean> {
    return false;
  }
}
