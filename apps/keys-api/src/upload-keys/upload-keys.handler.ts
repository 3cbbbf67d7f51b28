import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { MatrixError } from '@app/matrix';
import { CommandGateway } from '../command-gateway/command-gateway';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { rejectionToMatrixError } from '../command-gateway/rejection-errors';
import { checkDeviceKeys } from './device-keys.check';
import { checkKeyMap } from './key-map.check';
import { UploadKeysRequest, UploadKeysResponse } from './upload-keys.command';

@CommandHandler(UploadKeysRequest)
export class UploadKeysHandler implements ICommandHandler<UploadKeysRequest, UploadKeysResponse> {
  constructor(
    private readonly gateway: CommandGateway,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
  ) {}

  async execute({ requester, body, correlationId }: UploadKeysRequest): Promise<UploadKeysResponse> {
    const deviceId = requester.deviceId;
    if (!deviceId) throw new MatrixError('M_BAD_JSON', 'This access token is not bound to a device; keys can only be uploaded by a device');
    const oneTimeKeys = checkKeyMap('one_time_keys', body.one_time_keys as Record<string, unknown> | undefined);
    const fallbackKeys = checkKeyMap('fallback_keys', (body.fallback_keys ?? body['org.matrix.msc2732.fallback_keys']) as Record<string, unknown> | undefined);
    const deviceKeys = body.device_keys as Record<string, unknown> | undefined;
    const deviceKeysJson = deviceKeys ? checkDeviceKeys(deviceKeys, requester, deviceId, this.settings.verifySignatures) : null;
    const outcome = await this.gateway.execute(
      {
        type: 'UploadKeys',
        data: { userId: requester.userId, deviceId, deviceKeysJson, oneTimeKeys, fallbackKeys, verifySignatures: this.settings.verifySignatures },
      },
      correlationId,
    );
    if (!outcome.ok) throw rejectionToMatrixError(outcome.rejection);
    if (outcome.result.kind !== 'upload') throw new Error('UploadKeys answered with another result');
    return { one_time_key_counts: outcome.result.oneTimeKeyCounts };
  }
}
