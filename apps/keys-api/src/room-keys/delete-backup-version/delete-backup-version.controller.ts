import { Controller, Delete, HttpCode, Param, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../../auth/access-token.guard';
import { CurrentRequester, Requester } from '../../auth/requester';
import { clientPaths } from '../../client-paths';
import { DeleteBackupVersionRequest } from './delete-backup-version.command';

/** DELETE /room_keys/version/{version}: no input beyond the path's version to check. */
@Controller()
@UseGuards(AccessTokenGuard)
export class DeleteBackupVersionController {
  constructor(private readonly commandBus: CommandBus) {}

  @Delete(clientPaths('room_keys/version/:version'))
  @HttpCode(200)
  async remove(@CurrentRequester() requester: Requester, @Param('version') version: string, @Req() request: { id: string }): Promise<Record<string, never>> {
    return this.commandBus.execute(new DeleteBackupVersionRequest(requester, version, request.id));
  }
}
