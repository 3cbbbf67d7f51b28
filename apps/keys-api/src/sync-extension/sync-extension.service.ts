import { Inject, Injectable } from '@nestjs/common';

import { PositionVector } from '@app/contracts';

import { KafkaBus, Metrics } from '@app/platform';
import {
  OneTimeKeysDoc,
  deviceListFeedName,
  oneTimeKeysDoc,
  oneTimeKeysProjection,
  pendingToDevice,
  toDeviceFeedName,
  toDeviceProjection,
} from '@app/read-models';
import { Requester } from '../auth/requester';

import { CommandGateway } from '../command-gateway/command-gateway';

import { DeviceListReader } from '../device-lists/device-list-reader';

import { DeviceListWatcher } from '../device-lists/device-list-watcher';

import { ReadBarrier } from '../read-barrier/read-barrier';

import { CheckpointReads } from '../read-barrier/checkpoint-reads';

import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';

import { ReadCaches } from '../read-cache/read-caches';

import { longPoll } from './long-poll';

import { OneTimeKeyCountsPorts, oneTimeKeyCounts } from './one-time-key-counts';

import { SpeculativeRead } from './speculative-read';

import { SyncExtensionResponse, syncResponse } from './sync-answer';

import { CheckpointVectors, SyncVersions, syncOwners } from './sync-positions';

import { RoundSources, View, readRound } from './sync-round';

import { ackToDevice, readInbox } from './to-device-inbox';

import { ReadModelStore } from '../read-cache/read-model-store';

export { TO_DEVICE_PER_RESPONSE } from './to-device-inbox';
export type { SyncExtensionResponse } from './sync-answer';

/**
 * The E2EE part of /sync for one device. With `since`, it waits (up to the timeout) until the
 * device lists the caller sees have changed or a to-device message arrives. The token it returns
 * covers only what both read models had applied before they were read, so nothing falls between
 * two syncs; a later `since` acknowledges the to-device messages delivered before it.
 *
 * This class wires the parts to MongoDB and the other services: positions and owners
 * (sync-positions.ts), one read of both read models (sync-round.ts, to-device-inbox.ts), the
 * first read on known positions (speculative-read.ts), waiting for more (long-poll.ts), and the
 * answer (sync-answer.ts, one-time-key-counts.ts).
 */
@Injectable()
export class SyncExtensionService {
  private readonly positions: CheckpointVectors;
  private readonly sources: RoundSources;
  private readonly keyCounts: OneTimeKeyCountsPorts;

  constructor(
    private readonly store: ReadModelStore,
    private readonly deviceLists: DeviceListReader,
    private readonly watcher: DeviceListWatcher,
    private readonly barrier: ReadBarrier,
    private readonly gateway: CommandGateway,
    checkpoints: CheckpointReads,
    bus: KafkaBus,
    @Inject(KEYS_API_SETTINGS) settings: KeysApiSettings,
    caches: ReadCaches,
    private readonly metrics: Metrics,
  ) {
    this.positions = new CheckpointVectors(checkpoints, bus.settings.partitions);
    this.sources = {
      inbox: (requester, version, since, next) =>
        readInbox((userId, deviceId, enough) => pendingToDevice(this.inboxCollection(version), userId, deviceId, enough), requester, since, next),
      changesSince: (version, userId, since, until) => this.deviceLists.changesSince(version, userId, since, until),
    };
    this.keyCounts = {
      cache: caches.oneTimeKeys,
      partitionOf: (userId) => this.barrier.partitionOf(userId),
      waitMs: settings.readBarrierTimeoutMs,
      load: async (version, userId, deviceId) =>
        oneTimeKeysDoc(await this.store.buckets<OneTimeKeysDoc>(oneTimeKeysProjection.name, version), userId, deviceId),
    };
  }

  async sync(requester: Requester, since: PositionVector | null, timeoutMs: number, correlationId: string): Promise<SyncExtensionResponse> {
    const deadline = Date.now() + timeoutMs;
    const [lists, inbox, keys] = await Promise.all([
      this.deviceLists.activeVersion(),
      this.store.activeVersion(toDeviceProjection.name),
      this.store.activeVersion(oneTimeKeysProjection.name),
    ]);
    const versions: SyncVersions = { lists, inbox, keys };
    const owners = syncOwners(versions);
    const view: View = { requester, since, version: lists, inboxVersion: inbox };
    const reads = new SpeculativeRead(
      { barrier: this.barrier, positions: this.positions, read: (listsAt, inboxAt) => readRound(this.sources, view, listsAt, inboxAt) },
      requester,
      versions,
      owners,
    );
    const { round, targets, keysCaughtUp } = await reads.first();
    return longPoll(round, deadline, !!since && !!requester.deviceId, {
      now: Date.now,
      // Messages up to it were in an earlier response: the owner may drop them.
      acknowledge: async (upToSeq) => void (await this.gateway.submit([ackToDevice(requester, upToSeq, correlationId, Date.now())])),
      waitForChange: (last, remaining) => {
        this.metrics.longPollsWaiting.inc();
        return this.watcher
          .waitForChange(
            [
              { feed: deviceListFeedName(lists), checkpointOwner: owners.lists },
              { feed: toDeviceFeedName(inbox), checkpointOwner: owners.inbox },
            ],
            { userId: requester.userId, rooms: new Set(last.changes!.joinedRooms), after: last.next },
            remaining,
          )
          .finally(() => this.metrics.longPollsWaiting.dec());
      },
      readAgain: () => reads.again(),
      answer: async (last) => syncResponse(last, !!requester.deviceId, await oneTimeKeyCounts(this.keyCounts, requester, keys, targets, keysCaughtUp)),
    });
  }

  private inboxCollection(version: number) {
    return this.store.collection(toDeviceProjection.name, version);
  }
}
