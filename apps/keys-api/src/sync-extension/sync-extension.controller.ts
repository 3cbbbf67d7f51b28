import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentRequester, Requester } from '../auth/requester';
import { tokenParam } from '../device-lists/token-param';
import { validateParams } from '../validation/validate-body';
import { SyncExtensionResponse } from './sync-extension.service';
import { SyncExtensionDto } from './sync-extension.dto';
import { SyncExtensionRequest } from './sync-extension.query';

/**
 * GET /_keyserver/v1/sync?since=&timeout=: for the homeserver (or a sync proxy) to merge into the
 * device's /sync: `next_batch`, `device_lists` (only with `since`), `to_device`, one-time-key counts
 * and unused fallback key types. Long-polls for device-list changes up to `timeout` milliseconds.
 */
@Controller()
@UseGuards(AccessTokenGuard)
export class SyncExtensionController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('_keyserver/v1/sync')
  async get(
    @CurrentRequester() requester: Requester,
    @Query('since') since: unknown,
    @Query('timeout') timeout: unknown,
    @Req() request: { id: string },
  ): Promise<SyncExtensionResponse> {
    validateParams(SyncExtensionDto, { since, timeout });
    const sinceToken = since === undefined ? null : tokenParam('since', since); // checked above: cannot fail
    return this.queryBus.execute(new SyncExtensionRequest(requester, sinceToken, timeout === undefined ? 0 : Number(timeout), request.id));
  }
}
