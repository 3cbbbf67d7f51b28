import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentRequester, Requester } from '../auth/requester';
import { validateBody } from '../validation/validate-body';
import { clientPaths } from '../client-paths';
import { ClaimKeysDto } from './claim-keys.dto';
import { ClaimKeysRequest, ClaimKeysResponse } from './claim-keys.command';

@Controller()
@UseGuards(AccessTokenGuard)
export class ClaimKeysController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(clientPaths('keys/claim'))
  @HttpCode(200)
  async claim(@CurrentRequester() requester: Requester, @Body() body: unknown, @Req() request: { id: string }): Promise<ClaimKeysResponse> {
    validateBody(ClaimKeysDto, body);
    return this.commandBus.execute(new ClaimKeysRequest(requester, (body as ClaimKeysDto).one_time_keys, request.id));
  }
}
