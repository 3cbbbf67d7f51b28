import { Readable } from 'node:stream';
import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import { FindCursor } from 'mongodb';
import { backupKey } from '@app/contracts';
import { MatrixError } from '@app/matrix';
import { isInfrastructureError } from '@app/platform';
import { BackupSessionDoc, backupSessions, backupVersion } from '@app/read-models';
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
   * A room or the whole backup is streamed from a cursor as JSON text (session_data spliced in as
   * stored), so 100,000 sessions never become one object in memory.
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
    const cursor = await unavailableOnOutage(async () => {
      const collection = await this.reader.collectionFor(requester.userId);
      if (!(await backupVersion(collection, requester.userId, version))) throw new MatrixError('M_NOT_FOUND', `Unknown backup version ${version}`, 404);
      return backupSessions(collection, requester.userId, version, roomId, sessionId) as unknown as FindCursor<BackupSessionDoc>;
    }, isInfrastructureError);
    if (sessionId !== undefined) {
      const doc = await cursor.next();
      await cursor.close();
      if (!doc) throw new MatrixError('M_NOT_FOUND', 'No key for this session', 404);
      reply.header('content-type', 'application/json');
      reply.send(keyDataJson(doc));
      return;
    }
    reply.header('content-type', 'application/json');
    reply.send(Readable.from(roomId !== undefined ? roomJson(cursor) : backupJson(cursor)));
  }
}

const keyDataJson = (doc: BackupSessionDoc): string =>
  `{"first_message_index":${doc.firstMessageIndex},"forwarded_count":${doc.forwardedCount},"is_verified":${doc.isVerified},"session_data":${doc.sessionDataJson}}`;

async function* roomJson(cursor: FindCursor<BackupSessionDoc>): AsyncGenerator<string> {
  yield '{"sessions":{';
  let first = true;
  for await (const doc of cursor) {
    yield `${first ? '' : ','}${JSON.stringify(doc.sessionId)}:${keyDataJson(doc)}`;
    first = false;
  }
  yield '}}';
}

/** Sessions arrive sorted by room, then session: each room's object is opened and closed once. */
async function* backupJson(cursor: FindCursor<BackupSessionDoc>): AsyncGenerator<string> {
  yield '{"rooms":{';
  let room: string | null = null;
  for await (const doc of cursor) {
    if (doc.roomId !== room) {
      yield `${room === null ? '' : '}},'}${JSON.stringify(doc.roomId)}:{"sessions":{${JSON.stringify(doc.sessionId)}:${keyDataJson(doc)}`;
      room = doc.roomId;
    } else {
      yield `,${JSON.stringify(doc.sessionId)}:${keyDataJson(doc)}`;
    }
  }
  yield room === null ? '}}' : '}}}}';
}
