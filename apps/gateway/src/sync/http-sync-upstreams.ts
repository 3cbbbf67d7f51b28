import { SyncUpstreams, UpstreamAnswer } from './upstream-answer';

/** The two sources over HTTP, with the client's Authorization header. */
export class HttpSyncUpstreams implements SyncUpstreams {
  constructor(
    private readonly homeserverUrl: string,
    private readonly keyserverUrl: string,
    private readonly authorization: string | undefined,
    private readonly syncPath: string,
  ) {}

  homeserver(query: URLSearchParams, signal: AbortSignal): Promise<UpstreamAnswer> {
    return this.get(`${this.homeserverUrl}${this.syncPath}`, query, signal);
  }

  keyserver(query: URLSearchParams, signal: AbortSignal): Promise<UpstreamAnswer> {
    return this.get(`${this.keyserverUrl}/_keyserver/v1/sync`, query, signal);
  }

  private async get(url: string, query: URLSearchParams, signal: AbortSignal): Promise<UpstreamAnswer> {
    const qs = query.toString();
    const response = await fetch(qs ? `${url}?${qs}` : url, { headers: this.authorization ? { authorization: this.authorization } : {}, signal });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON: passed on as it came */
    }
    const headers: Record<string, string> = {};
    const contentType = response.headers.get('content-type');
    if (contentType) headers['content-type'] = contentType;
    const retryAfter = response.headers.get('retry-after');
    if (retryAfter) headers['retry-after'] = retryAfter;
    return { status: response.status, headers, body };
  }
}
