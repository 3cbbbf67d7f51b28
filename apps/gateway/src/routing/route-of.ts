/**
 * Where a client request goes. E2EE paths go to the keys-api, `/sync` is merged from both, the
 * device-management paths go to the homeserver and teach the key server about devices, and
 * everything else (federation included) goes to the homeserver untouched.
 */
export type Route =
  | { readonly kind: 'keys' }
  | { readonly kind: 'sync' }
  | { readonly kind: 'homeserver' }
  /** /register, /login: the answer names the new device. */
  | { readonly kind: 'session-created' }
  | { readonly kind: 'logout' }
  | { readonly kind: 'logout-all' }
  | { readonly kind: 'delete-device'; readonly deviceId: string }
  | { readonly kind: 'delete-devices' }
  | { readonly kind: 'rename-device'; readonly deviceId: string };

const CLIENT = /^\/_matrix\/client\/(?:v3|r0|unstable)\//;
const KEYS = /^(?:keys\/(?:upload(?:\/[^/]+)?|query|claim|changes|device_signing\/upload|signatures\/upload)|sendToDevice\/[^/]+\/[^/]+|room_keys\/.+)$/;
/** The operator's approval of a cross-signing reset is the key server's, under Synapse's admin path. */
const KEYS_ADMIN = /^\/_synapse\/admin\/v1\/users\/[^/]+\/_allow_cross_signing_replacement_without_uia$/;
const SYNC = /^\/_matrix\/client\/(?:v3|r0)\/sync$/;

export function routeOf(method: string, url: string): Route {
  const path = pathOf(url);
  if (KEYS_ADMIN.test(path)) return { kind: 'keys' };
  const client = CLIENT.exec(path);
  if (!client) return { kind: 'homeserver' };
  if (method === 'GET' && SYNC.test(path)) return { kind: 'sync' };
  const rest = path.slice(client[0].length);
  if (KEYS.test(rest)) return { kind: 'keys' };
  return deviceRoute(method, rest) ?? { kind: 'homeserver' };
}

function deviceRoute(method: string, rest: string): Route | null {
  if (method === 'POST' && (rest === 'register' || rest === 'login')) return { kind: 'session-created' };
  if (method === 'POST' && rest === 'logout') return { kind: 'logout' };
  if (method === 'POST' && rest === 'logout/all') return { kind: 'logout-all' };
  if (method === 'POST' && rest === 'delete_devices') return { kind: 'delete-devices' };
  const device = /^devices\/([^/]+)$/.exec(rest);
  const deviceId = device ? decoded(device[1]) : null;
  if (deviceId === null) return null;
  if (method === 'DELETE') return { kind: 'delete-device', deviceId };
  if (method === 'PUT') return { kind: 'rename-device', deviceId };
  return null;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** A malformed escape is left for the homeserver to refuse. */
function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
