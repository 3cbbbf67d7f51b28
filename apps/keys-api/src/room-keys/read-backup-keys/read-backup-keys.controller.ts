import { Readable } from 'node:stream';
import { Controller, Get, Param, Query, Res, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../../auth/access-token.guard';
import { CurrentRequester, Requester } from '../../auth/requester';
import { validateParams } from '../../validation/validate-body';
import { BackupKeysParamsDto } from '../backup-keys-params.dto';
import { BACKUP_KEYS_PATHS } from '../backup-keys-paths';
import { BackupKeysJson, ReadBackupKeysRequest } from './read-backup-keys.query';

/** GET /room_keys/keys[/{roomId}[/{sessionId}]]?version=: written as JSON text, streamed for a whole backup. */
@Controller()
@UseGuards(AccessTokenGuard)
export class ReadBackupKeysController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(BACKUP_KEYS_PATHS)
  async get(
    @CurrentRequester() requester: Requester,
    @Query('version') version: unknown,
    @Param('roomId') roomId: string | undefined,
    @Param('sessionId') sessionId: string | undefined,
    @Res() reply: { header(name: string, value: string): unknown; send(payload: unknown): unknown },
  ): Promise<void> {
    validateParams(BackupKeysParamsDto, { version });
    const body: BackupKeysJson = await this.queryBus.execute(new ReadBackupKeysRequest(requester.userId, version as string, roomId, sessionId));
    reply.header('content-type', 'application/json');
    reply.send(typeof body === 'string' ? body : Readable.from(body));
  }
}
