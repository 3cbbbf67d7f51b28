import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { MatrixError, isLocalUser } from '@app/matrix';
import { CommandGateway } from '../../command-gateway/command-gateway';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../../config/keys-api.settings';
import { AllowCrossSigningReplacementRequest, AllowCrossSigningReplacementResponse } from './allow-replacement.command';
import { NOT_A_LOCAL_USER } from './allow-replacement.dto';

/** How long an operator's approval lets the user replace cross-signing keys without UIA (as Synapse: 10 minutes). */
export const REPLACEMENT_WINDOW_MS = 10 * 60 * 1000;

/**
 * Mirrors Synapse's admin API: the user may replace their cross-signing keys without
 * user-interactive auth for 10 minutes, or until a new master key is uploaded. A user without a
 * master key: 404 M_NOT_FOUND (as Synapse).
 */
@CommandHandler(AllowCrossSigningReplacementRequest)
export class AllowCrossSigningReplacementHandler implements ICommandHandler<AllowCrossSigningReplacementRequest, AllowCrossSigningReplacementResponse> {
  constructor(
    private readonly gateway: CommandGateway,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
  ) {}

  async execute({ userId, correlationId }: AllowCrossSigningReplacementRequest): Promise<AllowCrossSigningReplacementResponse> {
    if (!isLocalUser(userId, this.settings.serverName)) throw new MatrixError('M_INVALID_PARAM', NOT_A_LOCAL_USER, 400);
    const until = Date.now() + REPLACEMENT_WINDOW_MS;
    const outcome = await this.gateway.execute({ type: 'AllowCrossSigningReplacement', data: { userId, until } }, correlationId);
    if (!outcome.ok && outcome.rejection.code === 'MISSING_MASTER_KEY') throw new MatrixError('M_NOT_FOUND', 'The user has no master cross-signing key', 404);
    if (!outcome.ok) throw new MatrixError('M_UNKNOWN', outcome.rejection.message, 500);
    return { updatable_without_uia_before_ms: until };
  }
}
