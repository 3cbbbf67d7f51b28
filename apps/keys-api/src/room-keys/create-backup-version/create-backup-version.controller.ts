import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../../auth/access-token.guard';
import { CurrentRequester, Requester } from '../../auth/requester';
import { clientPaths } from '../../client-paths';
import { BODY_NOT_AN_OBJECT, validateBody } from '../../validation/validate-body';
import { BackupVersionDto } from '../backup-version.dto';
import { CreateBackupVersionRequest, CreateBackupVersionResponse } from './create-backup-version.command';

/** POST /room_keys/version. Owner only: the path names no user. */
@Controller()
@UseGuards(AccessTokenGuard)
export class CreateBackupVersionController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(clientPaths('room_keys/version'))
  @HttpCode(200)
  async create(@CurrentRequester() requester: Requester, @Body() body: unknown, @Req() request: { id: string }): Promise<CreateBackupVersionResponse> {
    validateBody(BackupVersionDto, body, BODY_NOT_AN_OBJECT);
    const { algorithm, auth_data: authData } = body as BackupVersionDto;
    return this.commandBus.execute(new CreateBackupVersionRequest(requester, algorithm, authData, request.id));
  }
}
