import { deviceIdsOf } from './device-events';

/** Port: what the homeserver says about the caller of a device-management request, before it runs. */
export interface HomeserverAccounts {
  /** (user, device) of an access token, or null when the homeserver does not know it. */
  whoami(token: string): Promise<{ userId: string; deviceId: string | null } | null>;
  /** Every device of the token's user (what `/logout/all` will delete). */
  devices(token: string): Promise<string[]>;
}

/** Over the client-server API, with the client's own token. */
export class HttpHomeserverAccounts implements HomeserverAccounts {
  constructor(private readonly homeserverUrl: string) {}

  async whoami(token: string): Promise<{ userId: string; deviceId: string | null } | null> {
    const body = await this.get('/_matrix/client/v3/account/whoami', token);
    if (!body || typeof body.user_id !== 'string') return null;
    return { userId: body.user_id, deviceId: typeof body.device_id === 'string' ? body.device_id : null };
  }

  async devices(token: string): Promise<string[]> {
    return deviceIdsOf(await this.get('/_matrix/client/v3/devices', token));
  }

  private async get(path: string, token: string): Promise<Record<string, unknown> | null> {
    const response = await fetch(`${this.homeserverUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await response.json().catch(() => null);
    return response.ok && typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : null;
  }
}
