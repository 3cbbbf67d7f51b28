import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';

import { CommandGateway } from '../../command-gateway/command-gateway';

import { BackupKeysResponse, outcomeOrError } from '../backup-outcome';

import { DeleteBackupKeysRequest } from './delete-backup-keys.command';

@CommandHandler(DeleteBackupKeysRequest)
export class DeleteBackupKeysHandler implements ICommandHandler<DeleteBackupKeysRequest, BackupKeysResponse> {
  constructor(private readonly gateway: CommandGateway) {}

  async execute({ requester, version, roomId, sessionId, correlationId }: DeleteBackupKeysRequest): Promise<BackupKeysResponse> {
    const { userId } = requester;
    const outcome = outcomeOrError(await this.gateway.execute({ type: 'DeleteBackupKeys', data: { userId, version, roomId, sessionId } }, correlationId));
    if (outcome.result.kind !== 'backup-keys') throw new Error('DeleteBackupKeys answered with another result');
    return { etag: outcome.result.etag, count: outcome.result.count };
  }
}
