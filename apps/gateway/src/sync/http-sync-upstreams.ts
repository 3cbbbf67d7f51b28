import { Dispatcher } from 'undici';
import { SyncUpstreams, UpstreamAnswer } from './upstream-answer';

/**
 * The two sources over HTTP, with the client's Authorization header, through the gateway's
 * connection pool (undici's `request`: about a tenth of the CPU of the WHATWG `fetch` wrapper per
 * call, which counts on a path every client polls).
 */
export class HttpSyncUpstreams implements SyncUpstreams {
  constructor(
    private readonly pool: Dispatcher,
    private readonly homeserverUrl: string,
    private readonly keyserverUrl: string,
    private readonly authorization: string | undefined,
    private readonly syncPath: string,
  ) {}

  homeserver(query: URLSearchParams, signal: AbortSignal): Promise<UpstreamAnswer> {
    return this.get(this.homeserverUrl, this.syncPath, query, signal);
  }

  keyserver(query: URLSearchParams, signal: AbortSignal): Promise<UpstreamAnswer> {
    return this.get(this.keyserverUrl, '/_keyserver/v1/sync', query, signal);
  }

  private async get(origin: string, path: string, query: URLSearchParams, signal: AbortSignal): Promise<UpstreamAnswer> {
    const qs = query.toString();
    const response = await this.pool.request({
      origin,
      path: qs ? `${path}?${qs}` : path,
      method: 'GET',
      headers: this.authorization ? { authorization: this.authorization } : {},
      signal,
    });
    const text = await response.body.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON: passed on as it came */
    }
    const headers: Record<string, string> = {};
    const contentType = headerOf(response.headers['content-type']);
    if (contentType) headers['content-type'] = contentType;
    const retryAfter = headerOf(response.headers['retry-after']);
    if (retryAfter) headers['retry-after'] = retryAfter;
    return { status: response.statusCode, headers, body };
  }
}

const headerOf = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);
