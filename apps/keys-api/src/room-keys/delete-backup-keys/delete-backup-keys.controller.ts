import { Controller, Delete, HttpCode, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../../auth/access-token.guard';
import { CurrentRequester, Requester } from '../../auth/requester';
import { BackupKeysAt, BackupKeysScope } from '../backup-keys-scope';
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
  async remove(@CurrentRequester() requester: Requester, @BackupKeysAt() at: BackupKeysScope, @Req() request: { id: string }): Promise<BackupKeysResponse> {
    return this.commandBus.execute(new DeleteBackupKeysRequest(requester, at.version, at.roomId ?? null, at.sessionId ?? null, request.id));
  }
}
