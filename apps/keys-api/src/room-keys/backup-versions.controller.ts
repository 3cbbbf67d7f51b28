import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, UseGuards } from '@nestjs/common';
import { Outcome, backupKey } from '@app/contracts';
import { MatrixError } from '@app/matrix';
import { isInfrastructureError } from '@app/platform';
import { BackupVersionEntry, currentEntry, versionEntry } from '@app/read-models';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentRequester, Requester } from '../auth/requester';
import { clientPaths } from '../client-paths';
import { CommandGateway } from '../command-gateway/command-gateway';
import { rejectionToMatrixError } from '../command-gateway/rejection-errors';
import { unavailableOnOutage } from '../device-lists/token-param';
import { BackupReader } from './backup-reader';
import { versionBody } from './room-key-bodies';

export const versionResponse = (doc: BackupVersionEntry) => ({
  algorithm: doc.algorithm,
  auth_data: JSON.parse(doc.authDataJson) as unknown,
  count: doc.count,
  etag: doc.etag,
  version: doc.version,
});

export function outcomeOrError(outcome: Outcome): Outcome & { ok: true } {
  if (!outcome.ok) throw rejectionToMatrixError(outcome.rejection);
  return outcome;
}

/** /room_keys/version: create, read (current or by id), update auth_data, delete. Owner only: the path names no user. */
@Controller()
@UseGuards(AccessTokenGuard)
export class BackupVersionsController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly reader: BackupReader,
  ) {}

  @Post(clientPaths('room_keys/version'))
  @HttpCode(200)
  async create(@CurrentRequester() requester: Requester, @Body() body: unknown, @Req() request: { id: string }): Promise<{ version: string }> {
    const { algorithm, authDataJson } = versionBody(body);
    const outcome = outcomeOrError(
      await this.gateway.execute({ type: 'CreateBackupVersion', key: backupKey(requester.userId), data: { userId: requester.userId, algorithm, authDataJson } }, request.id),
    );
    if (outcome.result.kind !== 'backup-version') throw new Error('CreateBackupVersion answered with another result');
    return { version: outcome.result.version };
  }

  @Get(clientPaths('room_keys/version'))
  async current(@CurrentRequester() requester: Requester) {
    return unavailableOnOutage(async () => {
      const doc = currentEntry(await (await this.reader.queriesFor(requester.userId)).user(requester.userId));
      if (!doc) throw new MatrixError('M_NOT_FOUND', 'No current backup version', 404);
      return versionResponse(doc);
    }, isInfrastructureError);
  }

  @Get(clientPaths('room_keys/version/:version'))
  async one(@CurrentRequester() requester: Requester, @Param('version') version: string) {
    return unavailableOnOutage(async () => {
      const doc = versionEntry(await (await this.reader.queriesFor(requester.userId)).user(requester.userId), version);
      if (!doc) throw new MatrixError('M_NOT_FOUND', `Unknown backup version ${version}`, 404);
      return versionResponse(doc);
    }, isInfrastructureError);
  }

  @Put(clientPaths('room_keys/version/:version'))
  @HttpCode(200)
  async update(@CurrentRequester() requester: Requester, @Param('version') version: string, @Body() body: unknown, @Req() request: { id: string }) {
    const parsed = versionBody(body);
    if (parsed.version !== undefined && parsed.version !== version) throw new MatrixError('M_INVALID_PARAM', 'The version in the body does not match the path');
    outcomeOrError(
      await this.gateway.execute(
        { type: 'UpdateBackupVersion', key: backupKey(requester.userId), data: { userId: requester.userId, version, algorithm: parsed.algorithm, authDataJson: parsed.authDataJson } },
        request.id,
      ),
    );
    return {};
  }

  @Delete(clientPaths('room_keys/version/:version'))
  @HttpCode(200)
  async remove(@CurrentRequester() requester: Requester, @Param('version') version: string, @Req() request: { id: string }) {
    outcomeOrError(await this.gateway.execute({ type: 'DeleteBackupVersion', key: backupKey(requester.userId), data: { userId: requester.userId, version } }, request.id));
    return {};
  }
}
