import { Readable } from 'node:stream';
import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import { backupKey } from '@app/contracts';
import { MatrixError } from '@app/matrix';
import { isInfrastructureError } from '@app/platform';
import { BackupRoomDoc, roomSessions, sessionJson, versionEntry } from '@app/read-models';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentRequester, Requester } from '../auth/requester';
import { clientPaths } from '../client-paths';
import { CommandGateway } from '../command-gateway/command-gateway';
import { unavailableOnOutage } from '../device-lists/token-param';
import { BackupReader } from './backup-reader';
import { outcomeOrError } from './backup-versions.controller';
import { uploadedSessions, versionParam } from './room-key-bodies';

const PATHS = ['room_keys/keys', 'room_keys/keys/:roomId', 'room_keys/keys/:roomId/:sessionId'].flatMap(clientPaths);

/**
 * /room_keys/keys[/{roomId}[/{sessionId}]]?version=: keys of one backup version. Writes go to the
 * current version only (decided by the owner of `backup:<user>`) and answer `{etag, count}`.
 */
@Controller()
@UseGuards(AccessTokenGuard)
export class BackupKeysController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly reader: BackupReader,
  ) {}

  @Put(PATHS)
  @HttpCode(200)
  async put(
    @CurrentRequester() requester: Requester,
    @Query('version') versionQuery: unknown,
    @Param('roomId') roomId: string | undefined,
    @Param('sessionId') sessionId: string | undefined,
    @Body() body: unknown,
    @Req() request: { id: string },
  ) {
    const version = versionParam(versionQuery);
    const sessions = uploadedSessions(body, roomId, sessionId);
    const outcome = outcomeOrError(
      await this.gateway.execute({ type: 'PutBackupKeys', key: backupKey(requester.userId), data: { userId: requester.userId, version, sessions } }, request.id),
    );
    if (outcome.result.kind !== 'backup-keys') throw new Error('PutBackupKeys answered with another result');
    return { etag: outcome.result.etag, count: outcome.result.count };
  }

  @Delete(PATHS)
  @HttpCode(200)
  async remove(
    @CurrentRequester() requester: Requester,
    @Query('version') versionQuery: unknown,
    @Param('roomId') roomId: string | undefined,
    @Param('sessionId') sessionId: string | undefined,
    @Req() request: { id: string },
  ) {
    const version = versionParam(versionQuery);
    const outcome = outcomeOrError(
      await this.gateway.execute(
        { type: 'DeleteBackupKeys', key: backupKey(requester.userId), data: { userId: requester.userId, version, roomId: roomId ?? null, sessionId: sessionId ?? null } },
        request.id,
      ),
    );
    if (outcome.result.kind !== 'backup-keys') throw new Error('DeleteBackupKeys answered with another result');
    return { etag: outcome.result.etag, count: outcome.result.count };
  }

  /**
   * One session or one room is one document; the whole backup is the version's rooms document,
   * then its rooms read by `_id` a few at a time and streamed out in order as JSON text (stored
   * KeyBackupData spliced in as is), so 100,000 sessions never become one object in memory.
   */
  @Get(PATHS)
  async get(
    @CurrentRequester() requester: Requester,
    @Query('version') versionQuery: unknown,
    @Param('roomId') roomId: string | undefined,
    @Param('sessionId') sessionId: string | undefined,
    @Res() reply: { header(name: string, value: string): unknown; send(payload: unknown): unknown },
  ): Promise<void> {
    const version = versionParam(versionQuery);
    const { userId } = requester;
    const body = await unavailableOnOutage(async (): Promise<string | AsyncGenerator<string>> => {
      const queries = await this.reader.queriesFor(userId);
      if (roomId !== undefined) {
        const [user, room] = await Promise.all([queries.user(userId), queries.room(userId, version, roomId)]);
        if (!versionEntry(user, version)) throw new MatrixError('M_NOT_FOUND', `Unknown backup version ${version}`, 404);
        if (sessionId === undefined) return roomJson(room);
        const json = sessionJson(roomSessions(room), sessionId);
        if (json === null) throw new MatrixError('M_NOT_FOUND', 'No key for this session', 404);
        return json;
      }
      const [user, rooms] = await Promise.all([queries.user(userId), queries.rooms(userId, version)]);
      if (!versionEntry(user, version)) throw new MatrixError('M_NOT_FOUND', `Unknown backup version ${version}`, 404);
      return backupJson(rooms, (room) => queries.room(userId, version, room));
    }, isInfrastructureError);
    reply.header('content-type', 'application/json');
    reply.send(typeof body === 'string' ? body : Readable.from(body));
  }
}

const sessionsJson = (room: BackupRoomDoc): string => roomSessions(room).map((s) => `${JSON.stringify(s.sessionId)}:${s.json}`).join(',');

const roomJson = (room: BackupRoomDoc | null): string => `{"sessions":{${room ? sessionsJson(room) : ''}}}`;

/** Rooms read ahead at most this many at once while the response streams. */
const ROOMS_AHEAD = 8;

/** Rooms in the rooms document's order, each read by `_id` (a few ahead) and written as its own object. */
async function* backupJson(rooms: readonly string[], read: (roomId: string) => Promise<BackupRoomDoc | null>): AsyncGenerator<string> {
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
