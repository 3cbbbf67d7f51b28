import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../../auth/access-token.guard';
import { CurrentRequester, Requester } from '../../auth/requester';
import { clientPaths } from '../../client-paths';
import { BODY_NOT_AN_OBJECT, validateBody } from '../../validation/validate-body';
import { UploadCrossSigningKeysDto } from './upload-cross-signing-keys.dto';
import { UploadCrossSigningKeysRequest } from './upload-cross-signing-keys.command';

/** POST /keys/device_signing/upload: 200 once stored, or a 401 user-interactive auth challenge. */
@Controller()
@UseGuards(AccessTokenGuard)
export class UploadCrossSigningKeysController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(clientPaths('keys/device_signing/upload'))
  @HttpCode(200)
  async upload(@CurrentRequester() requester: Requester, @Body() body: unknown, @Req() request: { id: string }): Promise<Record<string, never>> {
    validateBody(UploadCrossSigningKeysDto, body, BODY_NOT_AN_OBJECT);
    return this.commandBus.execute(new UploadCrossSigningKeysRequest(requester, body as Record<string, unknown>, request.id));
  }
}
