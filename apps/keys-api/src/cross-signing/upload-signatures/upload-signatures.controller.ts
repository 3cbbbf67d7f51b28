import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../../auth/access-token.guard';
import { CurrentRequester, Requester } from '../../auth/requester';
import { clientPaths } from '../../client-paths';
import { BODY_NOT_AN_OBJECT, validateBody } from '../../validation/validate-body';
import { UploadSignaturesDto, UploadSignaturesResponse } from './upload-signatures.dto';
import { UploadSignaturesRequest } from './upload-signatures.command';

/** POST /keys/signatures/upload: 200 with `failures` for the objects that were not recorded. */
@Controller()
@UseGuards(AccessTokenGuard)
export class UploadSignaturesController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(clientPaths('keys/signatures/upload'))
  @HttpCode(200)
  async upload(@CurrentRequester() requester: Requester, @Body() body: unknown, @Req() request: { id: string }): Promise<UploadSignaturesResponse> {
    validateBody(UploadSignaturesDto, body, BODY_NOT_AN_OBJECT);
    return this.commandBus.execute(new UploadSignaturesRequest(requester, body as Record<string, unknown>, request.id));
  }
}
