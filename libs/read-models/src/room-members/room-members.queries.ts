import { Collection } from 'mongodb';
import { RoomMemberDoc } from './room-members.projection';

export async function membersOfRoom(collection: Collection<RoomMemberDoc>, roomId: string): Promise<RoomMemberDoc[]> {
  return collection.find({ roomId, deleted: { $ne: true } }).toArray() as Promise<RoomMemberDoc[]>;
}
