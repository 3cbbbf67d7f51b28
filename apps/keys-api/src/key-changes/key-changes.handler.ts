import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { isInfrastructureError } from '@app/platform';
import { deviceListsProjection } from '@app/read-models';
import { DeviceListReader } from '../device-lists/device-list-reader';
import { unavailableOnOutage } from '../device-lists/token-param';
import { ReadBarrier } from '../read-barrier/read-barrier';
import { KeyChangesRequest, KeyChangesResponse } from './key-changes.query';

/**
 * Users whose devices changed, and users who no longer share a room, since `from`. `to` is waited
 * for, so that everything up to it is included; changes after it may be included too (a client
 * re-queries them anyway), as may the reader's own.
 */
@QueryHandler(KeyChangesRequest)
export class KeyChangesHandler implements IQueryHandler<KeyChangesRequest, KeyChangesResponse> {
  constructor(
    private readonly reader: DeviceListReader,
    private readonly barrier: ReadBarrier,
  ) {}

  async execute({ userId, from, to }: KeyChangesRequest): Promise<KeyChangesResponse> {
    return unavailableOnOutage(async () => {
      const version = await this.reader.activeVersion();
      // The reader's own writes, and everything up to `to`, are applied before reading.
      await this.barrier.waitForUsers(deviceListsProjection.name, version, [userId]);
      if (to) await this.barrier.waitForPositions(deviceListsProjection.name, version, to);
      const { changed, left } = await this.reader.changesSince(version, userId, from);
      return { changed, left };
    }, isInfrastructureError);
  }
}
