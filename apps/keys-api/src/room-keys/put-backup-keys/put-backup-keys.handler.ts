import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';

import { CommandGateway } from '../../command-gateway/command-gateway';

import { BackupKeysResponse, outcomeOrError } from '../backup-outcome';

import { PutBackupKeysRequest } from './put-backup-keys.command';

import { uploadedSessions } from './uploaded-sessions.check';

/** Writes go to the current version only (decided by the owner of `backup:<user>`). */
@CommandHandler(PutBackupKeysRequest)
export class PutBackupKeysHandler implements ICommandHandler<PutBackupKeysRequest, BackupKeysResponse> {
  constructor(private readonly gateway: CommandGateway) {}

  async execute({ requester, version, roomId, sessionId, body, correlationId }: PutBackupKeysRequest): Promise<BackupKeysResponse> {
    const sessions = uploadedSessions(body, roomId, sessionId);
    const { userId } = requester;
    const outcome = outcomeOrError(await this.gateway.execute({ type: 'PutBackupKeys', data: { userId, version, sessions } }, correlationId));
    if (outcome.result.kind !== 'backup-keys') throw new Error('PutBackupKeys answered with another result');
    return { etag: outcome.result.etag, count: outcome.result.count };
  }
}
