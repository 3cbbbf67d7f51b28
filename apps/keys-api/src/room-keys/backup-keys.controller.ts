import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Req, UseGuards } from '@nestjs/common';
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

const keyData = (doc: BackupSessionDoc) => ({
  first_message_index: doc.firstMessageIndex,
  forwarded_count: doc.forwardedCount,
  is_verified: doc.isVerified,
  session_data: JSON.parse(doc.sessionDataJson) as unknown,
});

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

  @Get(PATHS)
  async get(
    @CurrentRequester() requester: Requester,
    @Query('version') versionQuery: unknown,
    @Param('roomId') roomId: string | undefined,
    @Param('sessionId') sessionId: string | undefined,
  ) {
    const version = versionParam(versionQuery);
    return unavailableOnOutage(async () => {
      const collection = await this.reader.collectionFor(requester.userId);
      if (!(await backupVersion(collection, requester.userId, version))) throw new MatrixError('M_NOT_FOUND', `Unknown backup version ${version}`, 404);
      const docs = (await backupSessions(collection, requester.userId, version, roomId, sessionId).toArray()) as unknown as BackupSessionDoc[];
      if (sessionId !== undefined) {
        if (docs.length === 0) throw new MatrixError('M_NOT_FOUND', 'No key for this session', 404);
        return keyData(docs[0]);
      }
      if (roomId !== undefined) return { sessions: Object.fromEntries(docs.map((d) => [d.sessionId, keyData(d)])) };
      const rooms: Record<string, { sessions: Record<string, unknown> }> = {};
      for (const doc of docs) (rooms[doc.roomId] ??= { sessions: {} }).sessions[doc.sessionId] = keyData(doc);
      return { rooms };
    }, isInfrastructureError);
  }
}
