import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { MatrixError, setOwn } from '@app/matrix';
import { CommandGateway } from '../command-gateway/command-gateway';
import { rejectionToMatrixError } from '../command-gateway/rejection-errors';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { ClaimKeysRequest, ClaimKeysResponse } from './claim-keys.command';
import { MAX_CLAIMED_DEVICES } from './claim-keys.dto';
import { localUsersAndFailures } from '../validation/local-users';
import { RequestLimits } from '../rate-limits/request-limits';

/**
 * One ClaimKeys command per target user, decided by the owner of that user's partition, so a key
 * is handed out at most once whatever the number of API instances. Users are claimed in parallel.
 */
@CommandHandler(ClaimKeysRequest)
export class ClaimKeysHandler implements ICommandHandler<ClaimKeysRequest, ClaimKeysResponse> {
  constructor(
    private readonly gateway: CommandGateway,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
    private readonly limits: RequestLimits,
  ) {}

  async execute({ requester, oneTimeKeys, correlationId }: ClaimKeysRequest): Promise<ClaimKeysResponse> {
    const userIds = Object.keys(oneTimeKeys);
    const devices = userIds.reduce((sum, u) => sum + Object.keys(oneTimeKeys[u]).length, 0);
    if (devices > MAX_CLAIMED_DEVICES) throw new MatrixError('M_TOO_LARGE', `At most ${MAX_CLAIMED_DEVICES} devices per claim`, 413);
    const { local, failures } = localUsersAndFailures(userIds, this.settings.serverName);
    // Charged per user whose keys would be handed out, before any command: a refused claim takes no key.
    this.limits.admitClaim(
      requester.userId,
      local.filter((userId) => Object.keys(oneTimeKeys[userId]).length > 0),
    );
    const result: ClaimKeysResponse['one_time_keys'] = {};
    const claimedBy = `${requester.userId}|${requester.deviceId ?? ''}`;
    const outcomes = await Promise.all(
      local.map(async (userId) => {
        const claims = Object.entries(oneTimeKeys[userId]).map(([deviceId, algorithm]) => ({ deviceId, algorithm }));
        if (claims.length === 0) return { userId, outcome: null };
        return { userId, outcome: await this.gateway.execute({ type: 'ClaimKeys', data: { userId, claims, claimedBy } }, correlationId) };
      }),
    );
    for (const { userId, outcome } of outcomes) {
      if (!outcome) continue;
      if (!outcome.ok) throw rejectionToMatrixError(outcome.rejection);
      if (outcome.result.kind !== 'claim') throw new Error('ClaimKeys answered with another result');
      for (const { deviceId, keyName, json } of outcome.result.claimed) {
        result[userId] ??= {};
        setOwn(result[userId], deviceId, { [keyName]: JSON.parse(json) }); // a device id may be any string, `__proto__` too
      }
    }
    return { one_time_keys: result, failures };
  }
}
