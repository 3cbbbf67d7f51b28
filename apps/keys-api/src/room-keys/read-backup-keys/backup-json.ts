import { BackupRoomDoc, roomSessions } from '@app/read-models';

const sessionsJson = (room: BackupRoomDoc): string =>
  roomSessions(room)
    .map((s) => `${JSON.stringify(s.sessionId)}:${s.json}`)
    .join(',');

/** One room's keys as `{"sessions": {...}}`, stored KeyBackupData spliced in as is. */
export const roomJson = (room: BackupRoomDoc | null): string => `{"sessions":{${room ? sessionsJson(room) : ''}}}`;

/** Rooms read ahead at most this many at once while the response streams. */
const ROOMS_AHEAD = 8;

/** Rooms in the rooms document's order, each read by `_id` (a few ahead) and written as its own object. */
export async function* backupJson(rooms: readonly string[], read: (roomId: string) => Promise<BackupRoomDoc | null>): AsyncGenerator<string> {
  yield '{"rooms":{';
  const ahead: Promise<BackupRoomDoc | null>[] = [];
  let next = 0;
  const fill = () => {
    while (next < rooms.length && ahead.length < ROOMS_AHEAD) {
      const pending = read(rooms[next++]);
      pending.catch(() => undefined); // awaited in order below; an early failure must not go unhandled
      ahead.push(pending);
    }
  };
  let first = true;
  fill();
  while (ahead.length > 0) {
    const room = await ahead.shift()!;
    fill();
    if (!room || room.count === 0) continue;
    yield `${first ? '' : ','}${JSON.stringify(room.roomId)}:{"sessions":{${sessionsJson(room)}}}`;
    first = false;
  }
  yield '}}';
}
