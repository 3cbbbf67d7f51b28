import { Controller, Delete, HttpCode, Param, Query, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../../auth/access-token.guard';
import { CurrentRequester, Requester } from '../../auth/requester';
import { validateParams } from '../../validation/validate-body';
import { BackupKeysParamsDto } from '../backup-keys-params.dto';
import { BACKUP_KEYS_PATHS } from '../backup-keys-paths';
import { BackupKeysResponse } from '../backup-outcome';
import { DeleteBackupKeysRequest } from './delete-backup-keys.command';

/** DELETE /room_keys/keys[/{roomId}[/{sessionId}]]?version=: answers `{etag, count}`. */
@Controller()
@UseGuards(AccessTokenGuard)
export class DeleteBackupKeysController {
  constructor(private readonly commandBus: CommandBus) {}

  @Delete(BACKUP_KEYS_PATHS)
  @HttpCode(200)
  async remove(
    @CurrentRequester() requester: Requester,
    @Query('version') version: unknown,
    @Param('roomId') roomId: string | undefined,
    @Param('sessionId') sessionId: string | undefined,
    @Req() request: { id: string },
  ): Promise<BackupKeysResponse> {
    validateParams(BackupKeysParamsDto, { version });
    return this.commandBus.execute(new DeleteBackupKeysRequest(requester, version as string, roomId ?? null, sessionId ?? null, request.id));
  }
}
