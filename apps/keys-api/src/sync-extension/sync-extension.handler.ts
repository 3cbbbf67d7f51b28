import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { isInfrastructureError } from '@app/platform';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { unavailableOnOutage } from '../device-lists/token-param';
import { SyncExtensionResponse, SyncExtensionService } from './sync-extension.service';
import { SyncExtensionRequest } from './sync-extension.query';

/** `next_batch`, `device_lists`, `to_device`, key counts; long-polls up to the capped timeout. */
@QueryHandler(SyncExtensionRequest)
export class SyncExtensionHandler implements IQueryHandler<SyncExtensionRequest, SyncExtensionResponse> {
  constructor(
    private readonly sync: SyncExtensionService,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
  ) {}

  async execute({ requester, since, timeoutMs, correlationId }: SyncExtensionRequest): Promise<SyncExtensionResponse> {
    return unavailableOnOutage(
      () => this.sync.sync(requester, since, Math.min(timeoutMs, this.settings.syncMaxTimeoutMs), correlationId),
      isInfrastructureError,
    );
  }
}
