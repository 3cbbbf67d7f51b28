import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentRequester, Requester } from '../auth/requester';
import { validateBody } from '../validation/validate-body';
import { clientPaths } from '../client-paths';
import { UploadKeysDto } from './upload-keys.dto';
import { UploadKeysRequest, UploadKeysResponse } from './upload-keys.command';

@Controller()
@UseGuards(AccessTokenGuard)
export class UploadKeysController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(clientPaths('keys/upload'))
  @HttpCode(200)
  async upload(@CurrentRequester() requester: Requester, @Body() body: unknown, @Req() request: { id: string }): Promise<UploadKeysResponse> {
    validateBody(UploadKeysDto, body);
    return this.commandBus.execute(new UploadKeysRequest(requester, body as Record<string, unknown>, request.id));
  }
}
