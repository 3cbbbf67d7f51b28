import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Db } from 'mongodb';
import { MatrixError } from '@app/matrix';
import { MONGO_DB, isInfrastructureError } from '@app/platform';
import { DeviceKeysRow, ProjectionBuckets, ProjectionRegistry, UserDevicesDoc, VisibleSignatures, deviceKeysProjection, devicesOf, findUserDevices, withSignatures } from '@app/read-models';
import { cachedPointRead } from '../read-cache/cached-point-read';
import { ReadCaches } from '../read-cache/read-caches';
import { CrossSigningKeysReader } from '../cross-signing/cross-signing-keys.reader';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { ReadBarrier } from '../read-barrier/read-barrier';
import { MAX_QUERY_USERS } from './query-keys.dto';
import { localUsersAndFailures } from '../validation/local-users';
import { QueryKeys, QueryKeysResponse } from './query-keys.query';

@QueryHandler(QueryKeys)
export class QueryKeysHandler implements IQueryHandler<QueryKeys, QueryKeysResponse> {
  private readonly registry: ProjectionRegistry;

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
    private readonly barrier: ReadBarrier,
    private readonly crossSigningKeys: CrossSigningKeysReader,
    private readonly caches: ReadCaches,
  ) {
    this.registry = new ProjectionRegistry(db, 500);
  }

  async execute({ deviceKeys, requesterUserId }: QueryKeys): Promise<QueryKeysResponse> {
    const userIds = Object.keys(deviceKeys);
    if (userIds.length > MAX_QUERY_USERS) throw new MatrixError('M_TOO_LARGE', `At most ${MAX_QUERY_USERS} users per query`, 400);
    const { local, failures } = localUsersAndFailures(userIds, this.settings.serverName);
    const [docs, crossSigning] = await Promise.all([this.readDevices(local), this.crossSigningKeys.read([...new Set(requesterUserId === null ? local : [...local, requesterUserId])])]);
    const visible = new VisibleSignatures(requesterUserId, crossSigning);

    const result: Record<string, Record<string, unknown>> = {};
    for (const userId of local) result[userId] = {};
    for (const doc of docs) {
      const wanted = deviceKeys[doc.userId];
      if (doc.keysJson === null || (wanted.length > 0 && !wanted.includes(doc.deviceId))) continue;
      const uploaded = JSON.parse(doc.keysJson) as Record<string, unknown>;
      const deviceKey = (uploaded.keys as Record<string, string> | undefined)?.[`ed25519:${doc.deviceId}`] ?? '';
      const keys = withSignatures(uploaded, visible.onDevice(doc.userId, doc.deviceId, deviceKey));
      keys.unsigned = doc.displayName === null ? {} : { device_display_name: doc.displayName };
      result[doc.userId][doc.deviceId] = keys;
    }
    const masterKeys: Record<string, unknown> = {};
    const selfSigningKeys: Record<string, unknown> = {};
    const userSigningKeys: Record<string, unknown> = {};
    for (const doc of crossSigning) {
      if (!local.includes(doc.userId)) continue;
      if (doc.master) masterKeys[doc.userId] = withSignatures(JSON.parse(doc.master), visible.onMaster(doc.userId));
      if (doc.selfSigning) selfSigningKeys[doc.userId] = JSON.parse(doc.selfSigning);
      if (doc.userSigning && doc.userId === requesterUserId) userSigningKeys[doc.userId] = JSON.parse(doc.userSigning);
    }
    return { device_keys: result, failures, master_keys: masterKeys, self_signing_keys: selfSigningKeys, user_signing_keys: userSigningKeys };
  }

  private async readDevices(userIds: string[]): Promise<DeviceKeysRow[]> {
    try {
      const name = deviceKeysProjection.name;
      const version = await this.registry.active(name);
      this.caches.deviceKeys.useVersion(version);
      const targets = await this.barrier.targetsForUsers(userIds);
      const docs = await cachedPointRead({
        cache: this.caches.deviceKeys,
        ids: userIds,
        partitionOf: (id) => this.barrier.partitionOf(id),
        targets,
        waitMs: this.settings.readBarrierTimeoutMs,
        load: async (misses) => {
          const exact = await this.barrier.waitForTargets(name, version, targets);
          return { docs: await findUserDevices(await ProjectionBuckets.forReading<UserDevicesDoc>(this.db, name, version), misses), exact };
        },
      });
      return [...docs.values()].flatMap(devicesOf);
    } catch (err) {
      if (isInfrastructureError(err)) throw MatrixError.unavailable('The key store is temporarily unavailable', 2);
      throw err;
    }
  }
}
