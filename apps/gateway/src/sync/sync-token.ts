/** The two positions a merged `/sync` token holds: the homeserver's and the key server's. */
export interface SyncPositions {
  readonly homeserver: string | null;
  readonly keyserver: string | null;
}

const PREFIX = 'gw1.';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** Opaque to clients: `gw1.` + both tokens in base64url (either may hold any character). */
export function encodeSyncToken(positions: SyncPositions): string {
  return `${PREFIX}${b64(positions.homeserver ?? '')}.${b64(positions.keyserver ?? '')}`;
}

/**
 * A token this gateway did not make (the client synced with the homeserver before the gateway
 * stood in front of it) is the homeserver's; the key server then starts afresh.
 */
export function decodeSyncToken(token: string | undefined): SyncPositions {
  if (token === undefined || token === '') return { homeserver: null, keyserver: null };
  const parts = token.startsWith(PREFIX) ? token.slice(PREFIX.length).split('.') : null;
  if (!parts || parts.length !== 2 || !parts.every((p) => /^[A-Za-z0-9_-]*$/.test(p))) return { homeserver: token, keyserver: null };
  const [hs, ks] = parts.map((p) => Buffer.from(p, 'base64url').toString('utf8'));
  return { homeserver: hs || null, keyserver: ks || null };
}
