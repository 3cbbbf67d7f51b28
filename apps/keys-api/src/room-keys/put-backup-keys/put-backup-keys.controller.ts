import { Body, Controller, HttpCode, Param, Put, Query, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../../auth/access-token.guard';
import { CurrentRequester, Requester } from '../../auth/requester';
import { validateParams } from '../../validation/validate-body';
import { BackupKeysParamsDto } from '../backup-keys-params.dto';
import { BACKUP_KEYS_PATHS } from '../backup-keys-paths';
import { PutBackupKeysRequest } from './put-backup-keys.command';
import { BackupKeysResponse } from '../backup-outcome';

/** PUT /room_keys/keys[/{roomId}[/{sessionId}]]?version=: answers `{etag, count}`. */
@Controller()
@UseGuards(AccessTokenGuard)
export class PutBackupKeysController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put(BACKUP_KEYS_PATHS)
  @HttpCode(200)
  async put(
    @CurrentRequester() requester: Requester,
    @Query('version') version: unknown,
    @Param('roomId') roomId: string | undefined,
    @Param('sessionId') sessionId: string | undefined,
    @Body() body: unknown,
    @Req() request: { id: string },
  ): Promise<BackupKeysResponse> {
    validateParams(BackupKeysParamsDto, { version });
    return this.commandBus.execute(new PutBackupKeysRequest(requester, version as string, roomId, sessionId, body, request.id));
  }
}
