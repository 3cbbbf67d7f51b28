import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { validateParams } from '../validation/validate-body';
import { BackupKeysParamsDto } from './backup-keys-params.dto';

/** What /room_keys/keys[/{roomId}[/{sessionId}]]?version= addresses: the whole backup, one room or one session. */
export interface BackupKeysScope {
  readonly version: string;
  readonly roomId?: string;
  readonly sessionId?: string;
}

/** The request's backup-keys scope, its `version` checked (400 M_MISSING_PARAM without one). */
export const BackupKeysAt = createParamDecorator((_data: unknown, ctx: ExecutionContext): BackupKeysScope => {
  const { query, params } = ctx.switchToHttp().getRequest<{ query?: Record<string, unknown>; params?: Record<string, string | undefined> }>();
  const version = query?.version;
  validateParams(BackupKeysParamsDto, { version });
  return { version: version as string, roomId: params?.roomId, sessionId: params?.sessionId };
});
