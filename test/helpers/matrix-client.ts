import { signJwt } from './jwt';
import { recordResponse } from './response-record';

export function tokenFor(userId: string, deviceId: string | undefined, secret = 'test-secret'): string {
  return signJwt(secret, { sub: userId, device_id: deviceId, exp: Math.floor(Date.now() / 1000) + 3600 });
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A thin client-server API client, as a Matrix client would call us. */
export class MatrixClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  withToken(token: string): MatrixClient {
    return new MatrixClient(this.baseUrl, token);
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    let json = false;
    try {
      parsed = JSON.parse(text);
      json = true;
    } catch {
      /* left as text */
    }
    recordResponse(method, response.url, response.status, json, parsed);
    return { status: response.status, headers: response.headers, body: parsed };
  }

  upload(body: unknown, version = 'v3') {
    return this.request('POST', `/_matrix/client/${version}/keys/upload`, body);
  }

  query(body: unknown, version = 'v3') {
    return this.request('POST', `/_matrix/client/${version}/keys/query`, body);
  }
}
