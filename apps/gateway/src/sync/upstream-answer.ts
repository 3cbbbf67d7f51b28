/** An upstream's answer, its body parsed when it is JSON. */
export interface UpstreamAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Port: the two `/sync` sources, each called with the client's credentials. */
export interface SyncUpstreams {
  homeserver(query: URLSearchParams, signal: AbortSignal): Promise<UpstreamAnswer>;
  keyserver(query: URLSearchParams, signal: AbortSignal): Promise<UpstreamAnswer>;
}

export const isOk = (a: UpstreamAnswer): boolean => a.status >= 200 && a.status < 300 && typeof a.body === 'object' && a.body !== null;
