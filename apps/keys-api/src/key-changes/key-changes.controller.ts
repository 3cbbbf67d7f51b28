import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { isInfrastructureError } from '@app/platform';
import { deviceListsProjection } from '@app/read-models';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentRequester, Requester } from '../auth/requester';
import { clientPaths } from '../client-paths';
import { DeviceListReader } from '../device-lists/device-list-reader';
import { tokenParam, unavailableOnOutage } from '../device-lists/token-param';
import { ReadBarrier } from '../read-barrier/read-barrier';

export interface KeyChangesResponse {
  readonly changed: string[];
  readonly left: string[];
}

/**
 * GET /keys/changes?from=&to=: users whose devices changed, and users who no longer share a room,
 * since `from`. `to` (optional here) is waited for, so that everything up to it is included;
 * changes after it may be included too (a client re-queries them anyway), as may the reader's own.
 */
@Controller()
@UseGuards(AccessTokenGuard)
export class KeyChangesController {
  constructor(
    private readonly reader: DeviceListReader,
    private readonly barrier: ReadBarrier,
  ) {}

  @Get(clientPaths('keys/changes'))
  async changes(@CurrentRequester() requester: Requester, @Query('from') fromParam: unknown, @Query('to') toParam: unknown): Promise<KeyChangesResponse> {
    const from = tokenParam('from', fromParam);
    const to = toParam === undefined ? null : tokenParam('to', toParam);
    return unavailableOnOutage(async () => {
      const version = await this.reader.activeVersion();
      // The reader's own writes, and everything up to `to`, are applied before reading.
      await this.barrier.waitForUsers(deviceListsProjection.name, version, [requester.userId]);
      if (to) await this.barrier.waitForPositions(deviceListsProjection.name, version, to);
      const { changed, left } = await this.reader.changesSince(version, requester.userId, from);
      return { changed, left };
    }, isInfrastructureError);
  }
}
