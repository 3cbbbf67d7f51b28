import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { MatrixError } from '@app/matrix';
import { CommandGateway } from '../command-gateway/command-gateway';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { rejectionToMatrixError } from '../command-gateway/rejection-errors';
import { checkDeviceKeys } from './device-keys.check';
import { UploadKeys, UploadKeysResponse } from './upload-keys.command';

@CommandHandler(UploadKeys)
export class UploadKeysHandler implements ICommandHandler<UploadKeys, UploadKeysResponse> {
  constructor(
    private readonly gateway: CommandGateway,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
  ) {}

  async execute({ requester, body, correlationId }: UploadKeys): Promise<UploadKeysResponse> {
    const deviceId = requester.deviceId;
    if (!deviceId) throw new MatrixError('M_BAD_JSON', 'This access token is not bound to a device; keys can only be uploaded by a device');
    for (const field of ['one_time_keys', 'fallback_keys'] as const) {
      const value = body[field] as Record<string, unknown> | undefined;
      if (value && Object.keys(value).length > 0) {
        throw new MatrixError('M_INVALID_PARAM', `${field} are not supported by this server version yet; nothing was stored`, 400);
      }
    }
    const deviceKeys = body.device_keys as Record<string, unknown> | undefined;
    const deviceKeysJson = deviceKeys ? checkDeviceKeys(deviceKeys, requester, deviceId, this.settings.verifySignatures) : null;
    const outcome = await this.gateway.execute(
      { type: 'UploadKeys', key: requester.userId, data: { userId: requester.userId, deviceId, deviceKeysJson } },
      correlationId,
    );
    if (!outcome.ok) throw rejectionToMatrixError(outcome.rejection);
    return { one_time_key_counts: outcome.result.oneTimeKeyCounts };
  }
}
