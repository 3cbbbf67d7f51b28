import { encodeSyncToken } from './sync-token';

type Json = Record<string, unknown>;

/** What the key server's sync extension (`GET /_keyserver/v1/sync`) answers. */
export interface KeyserverSync {
  readonly next_batch: string;
  readonly device_lists?: { readonly changed?: readonly string[]; readonly left?: readonly string[] };
  readonly to_device?: { readonly events?: readonly unknown[] };
  readonly device_one_time_keys_count?: Json;
  readonly device_unused_fallback_key_types?: readonly string[];
}

/** The E2EE parts of a sync answer: ours replace the homeserver's, which describe its own key tables. */
const REPLACED = [
  'device_lists',
  'to_device',
  'device_one_time_keys_count',
  'device_unused_fallback_key_types',
  'org.matrix.msc2732.device_unused_fallback_key_types',
];

/**
 * One `/sync` answer from both: the homeserver's (or, when only the key server had something,
 * none: the homeserver position stays where it was) with the key server's E2EE parts, and one
 * token holding both positions. An initial sync carries no `device_lists`, as the spec says.
 */
export function mergeSync(homeserver: Json | null, homeserverSince: string | null, keyserver: KeyserverSync, initial: boolean): Json {
  const merged: Json = { ...(homeserver ?? {}) };
  for (const field of REPLACED) delete merged[field];
  const hsNext = homeserver && typeof homeserver.next_batch === 'string' ? homeserver.next_batch : homeserverSince;
  merged.next_batch = encodeSyncToken({ homeserver: hsNext, keyserver: keyserver.next_batch });
  const lists = keyserver.device_lists;
  if (!initial && lists) merged.device_lists = { changed: lists.changed ?? [], left: lists.left ?? [] };
  merged.to_device = { events: keyserver.to_device?.events ?? [] };
  merged.device_one_time_keys_count = keyserver.device_one_time_keys_count ?? {};
  merged.device_unused_fallback_key_types = keyserver.device_unused_fallback_key_types ?? [];
  return merged;
}

/** Whether a key-server answer is worth ending a long-poll for. */
export function keyserverHasNews(answer: KeyserverSync): boolean {
  return (answer.to_device?.events?.length ?? 0) > 0 || (answer.device_lists?.changed?.length ?? 0) > 0 || (answer.device_lists?.left?.length ?? 0) > 0;
}
