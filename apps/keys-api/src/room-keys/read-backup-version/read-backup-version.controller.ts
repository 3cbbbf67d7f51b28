import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../../auth/access-token.guard';
import { CurrentRequester, Requester } from '../../auth/requester';
import { clientPaths } from '../../client-paths';
import { BackupVersionResponse, ReadBackupVersionRequest } from './read-backup-version.query';

/** GET /room_keys/version and /room_keys/version/{version}: no input beyond the path's version to check. */
@Controller()
@UseGuards(AccessTokenGuard)
export class ReadBackupVersionController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(clientPaths('room_keys/version'))
  async current(@CurrentRequester() requester: Requester): Promise<BackupVersionResponse> {
    return this.queryBus.execute(new ReadBackupVersionRequest(requester.userId, null));
  }

  @Get(clientPaths('room_keys/version/:version'))
  async one(@CurrentRequester() requester: Requester, @Param('version') version: string): Promise<BackupVersionResponse> {
    return this.queryBus.execute(new ReadBackupVersionRequest(requester.userId, version));
  }
}
