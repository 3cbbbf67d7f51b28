import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';

import { CommandGateway } from '../../command-gateway/command-gateway';

import { outcomeOrError } from '../backup-outcome';

import { CreateBackupVersionRequest, CreateBackupVersionResponse } from './create-backup-version.command';

/** Decided by the owner of `backup:<user>`, which numbers the versions. */
@CommandHandler(CreateBackupVersionRequest)
export class CreateBackupVersionHandler implements ICommandHandler<CreateBackupVersionRequest, CreateBackupVersionResponse> {
  constructor(private readonly gateway: CommandGateway) {}

  async execute({ requester, algorithm, authData, correlationId }: CreateBackupVersionRequest): Promise<CreateBackupVersionResponse> {
    const { userId } = requester;
    const outcome = outcomeOrError(
      await this.gateway.execute({ type: 'CreateBackupVersion', data: { userId, algorithm, authDataJson: JSON.stringify(authData) } }, correlationId),
    );
    if (outcome.result.kind !== 'backup-version') throw new Error('CreateBackupVersion answered with another result');
    return { version: outcome.result.version };
  }
}
