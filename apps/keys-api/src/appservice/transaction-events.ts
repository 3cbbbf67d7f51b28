import { HomeserverEvent, MEMBERSHIPS, Membership } from '@app/contracts';
import { isUserId } from '@app/matrix';

/**
 * The room events of an application-service transaction that matter here, as hs.events would
 * carry them: `m.room.member` state events. Everything else is ignored (the push still succeeds).
 */
export function membershipEventsOf(events: readonly unknown[]): HomeserverEvent[] {
  const result: HomeserverEvent[] = [];
  for (const raw of events) {
    if (typeof raw !== 'object' || raw === null) continue;
    const e = raw as Record<string, unknown>;
    const membership = (e.content as Record<string, unknown> | undefined)?.membership;
    if (e.type !== 'm.room.member' || typeof e.event_id !== 'string' || typeof e.room_id !== 'string') continue;
    if (!isUserId(e.state_key) || !(MEMBERSHIPS as readonly unknown[]).includes(membership)) continue;
    result.push({
      schema: 'hs.v1',
      id: e.event_id,
      type: 'membership',
      room_id: e.room_id,
      user_id: e.state_key,
      membership: membership as Membership,
      ts: typeof e.origin_server_ts === 'number' ? e.origin_server_ts : 0,
    });
  }
  return result;
}
