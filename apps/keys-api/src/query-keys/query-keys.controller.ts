import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentRequester, Requester } from '../auth/requester';
import { validateBody } from '../validation/validate-body';
import { clientPaths } from '../client-paths';
import { QueryKeysDto } from './query-keys.dto';
import { QueryKeysRequest, QueryKeysResponse } from './query-keys.query';

@Controller()
@UseGuards(AccessTokenGuard)
export class QueryKeysController {
  constructor(private readonly queryBus: QueryBus) {}

  @Post(clientPaths('keys/query'))
  @HttpCode(200)
  async query(@CurrentRequester() requester: Requester, @Body() body: unknown): Promise<QueryKeysResponse> {
    validateBody(QueryKeysDto, body);
    return this.queryBus.execute(new QueryKeysRequest((body as QueryKeysDto).device_keys, requester.userId));
  }
}
