import { Readable } from 'node:stream';
import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../../auth/access-token.guard';
import { CurrentRequester, Requester } from '../../auth/requester';
import { BackupKeysAt, BackupKeysScope } from '../backup-keys-scope';
import { BACKUP_KEYS_PATHS } from '../backup-keys-paths';
import { BackupKeysJson, ReadBackupKeysRequest } from './read-backup-keys.query';

/** GET /room_keys/keys[/{roomId}[/{sessionId}]]?version=: written as JSON text, streamed for a whole backup. */
@Controller()
@UseGuards(AccessTokenGuard)
export class ReadBackupKeysController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(BACKUP_KEYS_PATHS)
  async get(
    @CurrentRequester() requester: Requester,
    @BackupKeysAt() at: BackupKeysScope,
    @Res() reply: { header(name: string, value: string): unknown; send(payload: unknown): unknown },
  ): Promise<void> {
    const body: BackupKeysJson = await this.queryBus.execute(new ReadBackupKeysRequest(requester.userId, at.version, at.roomId, at.sessionId));
    reply.header('content-type', 'application/json');
    reply.send(typeof body === 'string' ? body : Readable.from(body));
  }
}
