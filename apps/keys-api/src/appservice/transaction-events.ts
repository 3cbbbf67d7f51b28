import { HomeserverEvent, MEMBERSHIPS, Membership } from '@app/contracts';
import { isUserId } from '@app/matrix';

/**
 * The room events of an application-service transaction that matter here, as hs.events would
 * carry them: `m.room.member` and `m.room.encryption` state events. Everything else is ignored
 * (the push still succeeds).
 */
export function homeserverEventsOf(events: readonly unknown[]): HomeserverEvent[] {
  const result: HomeserverEvent[] = [];
  for (const raw of events) {
    if (typeof raw !== 'object' || raw === null) continue;
    const e = raw as Record<string, unknown>;
    if (typeof e.event_id !== 'string' || typeof e.room_id !== 'string' || !e.room_id.startsWith('!')) continue;
    const content = (e.content as Record<string, unknown> | undefined) ?? {};
    const ts = typeof e.origin_server_ts === 'number' ? e.origin_server_ts : 0;
    if (e.type === 'm.room.encryption' && e.state_key === '' && typeof content.algorithm === 'string' && content.algorithm.length > 0) {
      result.push({ schema: 'hs.v1', id: e.event_id, type: 'room.encryption', room_id: e.room_id, algorithm: content.algorithm, ts });
      continue;
    }
    const membership = content.membership;
    if (e.type !== 'm.room.member') continue;
    if (!isUserId(e.state_key) || !(MEMBERSHIPS as readonly unknown[]).includes(membership)) continue;
    result.push({
      schema: 'hs.v1',
      id: e.event_id,
      type: 'membership',
      room_id: e.room_id,
      user_id: e.state_key,
      membership: membership as Membership,
      ts,
    });
  }
  return result;
}
