import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';

import { MatrixError } from '@app/matrix';

import { CommandGateway } from '../../command-gateway/command-gateway';

import { outcomeOrError } from '../backup-outcome';

import { UpdateBackupVersionRequest } from './update-backup-version.command';

@CommandHandler(UpdateBackupVersionRequest)
export class UpdateBackupVersionHandler implements ICommandHandler<UpdateBackupVersionRequest, Record<string, never>> {
  constructor(private readonly gateway: CommandGateway) {}

  async execute({ requester, version, bodyVersion, algorithm, authData, correlationId }: UpdateBackupVersionRequest): Promise<Record<string, never>> {
    if (bodyVersion !== undefined && bodyVersion !== version) throw new MatrixError('M_INVALID_PARAM', 'The version in the body does not match the path');
    const { userId } = requester;
    outcomeOrError(
      await this.gateway.execute({ type: 'UpdateBackupVersion', data: { userId, version, algorithm, authDataJson: JSON.stringify(authData) } }, correlationId),
    );
    return {};
  }
}
