import { PositionVector, laterOf } from '@app/contracts';
import { DeviceListChanges } from '@app/read-models';
import { Requester } from '../auth/requester';
import { lowerOf } from './sync-positions';
import { InboxRead } from './to-device-inbox';

/** What one sync is about. */
export interface View {
  readonly requester: Requester;
  readonly since: PositionVector | null;
  readonly version: number;
  readonly inboxVersion: number;
}

export type ListChanges = DeviceListChanges & { readonly joinedRooms: string[] };

/** One read of both read models: the token it justifies, the inbox, the device-list changes (with `since`). */
export interface Round {
  readonly next: PositionVector;
  readonly inbox: InboxRead;
  readonly changes: ListChanges | null;
}

/** Ports: the two read models, each read as of a token. */
export interface RoundSources {
  inbox(requester: Requester, version: number, since: PositionVector | null, next: PositionVector): Promise<InboxRead>;
  changesSince(version: number, userId: string, since: PositionVector, until: PositionVector): Promise<ListChanges>;
}

/**
 * The inbox and (with `since`) the device-list changes as of the applied positions given: the
 * token covers only what both read models had applied before they were read, so nothing falls
 * between two syncs. Without `since`, no changes (an initial sync carries no device_lists).
 */
export async function readRound(sources: RoundSources, view: View, listsApplied: PositionVector, inboxApplied: PositionVector): Promise<Round> {
  const { requester, since, version, inboxVersion } = view;
  const applied = lowerOf(listsApplied, inboxApplied);
  let next = since ? laterOf(applied, since) : applied;
  const [inbox, listed] = await Promise.all([
    sources.inbox(requester, inboxVersion, since, next),
    since ? sources.changesSince(version, requester.userId, since, next) : null,
  ]);
  if (!inbox.capAt) return { next, inbox, changes: listed };
  // More messages wait: the token stops at the last one handed out, and so do the changes.
  next = next.map((offset, p) => (p === inbox.capAt!.partition ? inbox.capAt!.offset : offset));
  return { next, inbox, changes: since ? await sources.changesSince(version, requester.userId, since, next) : null };
}
