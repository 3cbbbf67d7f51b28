import { Controller, Get, Inject, Query, Req, UseGuards } from '@nestjs/common';
import { MatrixError } from '@app/matrix';
import { isInfrastructureError } from '@app/platform';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentRequester, Requester } from '../auth/requester';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { tokenParam, unavailableOnOutage } from '../device-lists/token-param';
import { SyncExtensionResponse, SyncExtensionService } from './sync-extension.service';

/**
 * GET /_keyserver/v1/sync?since=&timeout=: for the homeserver (or a sync proxy) to merge into the
 * device's /sync: `next_batch`, `device_lists` (only with `since`), `to_device`, one-time-key counts
 * and unused fallback key types. Long-polls for device-list changes up to `timeout` milliseconds.
 */
@Controller()
@UseGuards(AccessTokenGuard)
export class SyncExtensionController {
  constructor(
    private readonly sync: SyncExtensionService,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
  ) {}

  @Get('_keyserver/v1/sync')
  async get(
    @CurrentRequester() requester: Requester,
    @Query('since') sinceParam: unknown,
    @Query('timeout') timeoutParam: unknown,
    @Req() request: { id: string },
  ): Promise<SyncExtensionResponse> {
    const since = sinceParam === undefined ? null : tokenParam('since', sinceParam);
    const timeout = timeoutParam === undefined ? 0 : Number(timeoutParam);
    if (typeof timeoutParam !== 'undefined' && (typeof timeoutParam !== 'string' || !/^\d{1,9}$/.test(timeoutParam))) {
      throw new MatrixError('M_INVALID_PARAM', 'timeout must be a number of milliseconds');
    }
    return unavailableOnOutage(() => this.sync.sync(requester, since, Math.min(timeout, this.settings.syncMaxTimeoutMs), request.id), isInfrastructureError);
  }
}
