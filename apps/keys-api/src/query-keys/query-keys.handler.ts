import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MatrixError, setOwn } from '@app/matrix';
import { DeviceKeysRow, VisibleSignatures, deviceKeysProjection, devicesOf, withSignatures } from '@app/read-models';
import { PerUserReads } from '../read-cache/per-user-reads';
import { ReadCaches } from '../read-cache/read-caches';
import { CrossSigningKeysReader } from '../cross-signing/cross-signing-keys.reader';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { MAX_QUERY_USERS } from './query-keys.dto';
import { localUsersAndFailures } from '../validation/local-users';
import { RequestLimits } from '../rate-limits/request-limits';
import { QueryKeysRequest, QueryKeysResponse } from './query-keys.query';

@QueryHandler(QueryKeysRequest)
export class QueryKeysHandler implements IQueryHandler<QueryKeysRequest, QueryKeysResponse> {
  constructor(
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
    private readonly crossSigningKeys: CrossSigningKeysReader,
    private readonly reads: PerUserReads,
    private readonly caches: ReadCaches,
    private readonly limits: RequestLimits,
  ) {}

  async execute({ deviceKeys, requesterUserId }: QueryKeysRequest): Promise<QueryKeysResponse> {
    const userIds = Object.keys(deviceKeys);
    if (userIds.length > MAX_QUERY_USERS) throw new MatrixError('M_TOO_LARGE', `At most ${MAX_QUERY_USERS} users per query`, 400);
    const { local, failures } = localUsersAndFailures(userIds, this.settings.serverName);
    if (requesterUserId !== null) this.limits.admitQuery(requesterUserId);
    const [docs, crossSigning] = await Promise.all([
      this.readDevices(local),
      this.crossSigningKeys.read([...new Set(requesterUserId === null ? local : [...local, requesterUserId])]),
    ]);
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
      setOwn(result[doc.userId], doc.deviceId, keys); // a device id may be any string, `__proto__` too
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
    return [...(await this.reads.read(deviceKeysProjection.name, this.caches.deviceKeys, userIds)).values()].flatMap(devicesOf);
  }
}
