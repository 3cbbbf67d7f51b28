import { DomainEvent } from '@app/contracts';
import { DocMeta, ProjectedDoc, Projection } from '../projection/projection';

/** One document per (room, member) with a current membership; leaving deletes it. */
export interface RoomMemberDoc extends ProjectedDoc {
  readonly roomId: string;
  readonly userId: string;
  readonly membership: 'join' | 'invite' | 'knock';
}

export const roomMemberDocId = (roomId: string, userId: string): string => JSON.stringify([roomId, userId]);

export const roomMembersProjection: Projection<RoomMemberDoc> = {
  name: 'room-members',
  handles: ['MembershipChanged'],
  documentId: (event) => roomMemberDocId((event.data as { roomId: string }).roomId, event.data.userId),
  evolve(_doc: RoomMemberDoc | null, event: DomainEvent, meta: DocMeta): RoomMemberDoc | null {
    if (event.type !== 'MembershipChanged') return _doc;
    const { roomId, userId, membership } = event.data;
    if (membership === 'leave' || membership === 'ban') return null;
    return { _id: roomMemberDocId(roomId, userId), _meta: meta, roomId, userId, membership };
  },
  indexes: [{ roomId: 1 }, { userId: 1 }],
};
