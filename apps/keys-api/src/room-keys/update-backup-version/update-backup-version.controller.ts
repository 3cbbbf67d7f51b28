import { Body, Controller, HttpCode, Param, Put, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../../auth/access-token.guard';
import { CurrentRequester, Requester } from '../../auth/requester';
import { clientPaths } from '../../client-paths';
import { BODY_NOT_AN_OBJECT, validateBody } from '../../validation/validate-body';
import { BackupVersionDto } from '../backup-version.dto';
import { UpdateBackupVersionRequest } from './update-backup-version.command';

/** PUT /room_keys/version/{version}. */
@Controller()
@UseGuards(AccessTokenGuard)
export class UpdateBackupVersionController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put(clientPaths('room_keys/version/:version'))
  @HttpCode(200)
  async update(
    @CurrentRequester() requester: Requester,
    @Param('version') version: string,
    @Body() body: unknown,
    @Req() request: { id: string },
  ): Promise<Record<string, never>> {
    validateBody(BackupVersionDto, body, BODY_NOT_AN_OBJECT);
    const dto = body as BackupVersionDto;
    return this.commandBus.execute(new UpdateBackupVersionRequest(requester, version, dto.version, dto.algorithm, dto.auth_data, request.id));
  }
}
