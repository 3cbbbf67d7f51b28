import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';

import { CommandGateway } from '../../command-gateway/command-gateway';

import { outcomeOrError } from '../backup-outcome';

import { DeleteBackupVersionRequest } from './delete-backup-version.command';

@CommandHandler(DeleteBackupVersionRequest)
export class DeleteBackupVersionHandler implements ICommandHandler<DeleteBackupVersionRequest, Record<string, never>> {
  constructor(private readonly gateway: CommandGateway) {}

  async execute({ requester, version, correlationId }: DeleteBackupVersionRequest): Promise<Record<string, never>> {
    const { userId } = requester;
    outcomeOrError(await this.gateway.execute({ type: 'DeleteBackupVersion', data: { userId, version } }, correlationId));
    return {};
  }
}
