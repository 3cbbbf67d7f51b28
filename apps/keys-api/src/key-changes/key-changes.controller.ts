import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentRequester, Requester } from '../auth/requester';
import { clientPaths } from '../client-paths';
import { tokenParam } from '../device-lists/token-param';
import { validateParams } from '../validation/validate-body';
import { KeyChangesDto } from './key-changes.dto';
import { KeyChangesRequest, KeyChangesResponse } from './key-changes.query';

/** GET /keys/changes?from=&to=. */
@Controller()
@UseGuards(AccessTokenGuard)
export class KeyChangesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(clientPaths('keys/changes'))
  async changes(@CurrentRequester() requester: Requester, @Query('from') from: unknown, @Query('to') to: unknown): Promise<KeyChangesResponse> {
    validateParams(KeyChangesDto, { from, to });
    // Checked above: decoding cannot fail now.
    return this.queryBus.execute(new KeyChangesRequest(requester.userId, tokenParam('from', from), to === undefined ? null : tokenParam('to', to)));
  }
}
