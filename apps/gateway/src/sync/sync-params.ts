import { SyncPositions } from './sync-token';

/** The homeserver gets every parameter of the client (filter, full_state, set_presence...) with its own since. */
export function homeserverQuery(client: URLSearchParams, positions: SyncPositions): URLSearchParams {
  const query = new URLSearchParams(client);
  query.delete('since');
  if (positions.homeserver !== null) query.set('since', positions.homeserver);
  return query;
}

/** The key server's extension takes since and timeout (and the deprecated access_token, when that is how the client authenticates). */
export function keyserverQuery(client: URLSearchParams, positions: SyncPositions, timeoutMs: number): URLSearchParams {
  const query = new URLSearchParams();
  if (positions.keyserver !== null) query.set('since', positions.keyserver);
  query.set('timeout', String(timeoutMs));
  const token = client.get('access_token');
  if (token !== null) query.set('access_token', token);
  return query;
}

/** The client's long-poll in ms: absent or unreadable is 0, as the spec's default. */
export function timeoutOf(client: URLSearchParams): number {
  const raw = client.get('timeout');
  if (raw === null || !/^[0-9]{1,9}$/.test(raw)) return 0;
  return Number(raw);
}
