import { Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { MatrixError, isLocalUser, isUserId } from '@app/matrix';
import { extractToken } from '../auth/access-token.guard';
import { CommandGateway } from '../command-gateway/command-gateway';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';

/** How long an operator's approval lets the user replace cross-signing keys without UIA (as Synapse: 10 minutes). */
export const REPLACEMENT_WINDOW_MS = 10 * 60 * 1000;

/**
 * The operator's approval, mirroring Synapse's admin API: the user may replace their cross-signing
 * keys without user-interactive auth for 10 minutes, or until a new master key is uploaded.
 * Authenticated by ADMIN_TOKEN; a user without a master key: 404 M_NOT_FOUND (as Synapse).
 */
@Controller()
export class AllowReplacementController {
  constructor(
    private readonly gateway: CommandGateway,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
  ) {}

  @Post('_synapse/admin/v1/users/:userId/_allow_cross_signing_replacement_without_uia')
  @HttpCode(200)
  async allow(@Param('userId') userId: string, @Req() request: { id: string; headers: Record<string, string | undefined>; query?: Record<string, unknown> }) {
    const token = extractToken(request.headers.authorization, request.query?.access_token);
    if (!token) throw new MatrixError('M_MISSING_TOKEN', 'Missing admin token', 401);
    const expected = this.settings.adminToken;
    if (!expected || token.length !== expected.length || !timingSafeEqual(Buffer.from(token), Buffer.from(expected))) throw new MatrixError('M_FORBIDDEN', 'Not an admin token', 403);
    if (!isUserId(userId) || !isLocalUser(userId, this.settings.serverName)) throw new MatrixError('M_INVALID_PARAM', 'Not a local user id', 400);
    const until = Date.now() + REPLACEMENT_WINDOW_MS;
    const outcome = await this.gateway.execute({ type: 'AllowCrossSigningReplacement', key: userId, data: { userId, until } }, request.id);
    if (!outcome.ok && outcome.rejection.code === 'MISSING_MASTER_KEY') throw new MatrixError('M_NOT_FOUND', 'The user has no master cross-signing key', 404);
    if (!outcome.ok) throw new MatrixError('M_UNKNOWN', outcome.rejection.message, 500);
    return { updatable_without_uia_before_ms: until };
  }
}
