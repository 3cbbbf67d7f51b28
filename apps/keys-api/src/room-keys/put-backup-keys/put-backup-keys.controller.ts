import { Body, Controller, HttpCode, Put, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../../auth/access-token.guard';
import { CurrentRequester, Requester } from '../../auth/requester';
import { BackupKeysAt, BackupKeysScope } from '../backup-keys-scope';
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
    @BackupKeysAt() at: BackupKeysScope,
    @Body() body: unknown,
    @Req() request: { id: string },
  ): Promise<BackupKeysResponse> {
    return this.commandBus.execute(new PutBackupKeysRequest(requester, at.version, at.roomId, at.sessionId, body, request.id));
  }
}
