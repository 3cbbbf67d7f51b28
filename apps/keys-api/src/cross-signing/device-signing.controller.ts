import { Body, Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { MatrixError } from '@app/matrix';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentRequester, Requester } from '../auth/requester';
import { clientPaths } from '../client-paths';
import { CommandGateway } from '../command-gateway/command-gateway';
import { rejectionToMatrixError } from '../command-gateway/rejection-errors';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { crossSigningKeysOf } from './cross-signing-keys.check';
import { PASSWORD_VERIFIER, PasswordVerifier } from './password-verifier';

/**
 * POST /keys/device_signing/upload. The owner of the user's partition decides whether this upload
 * needs user-interactive auth (not for the first keys nor an identical re-upload, nor inside an
 * operator's approval window). When it does, the answer is a 401 challenge offering the
 * operator-approval stage (advertised like the spec's `m.oauth`: a url to follow, then retry) and
 * `m.login.password` when a password verifier is configured.
 */
@Controller()
@UseGuards(AccessTokenGuard)
export class DeviceSigningController {
  constructor(
    private readonly gateway: CommandGateway,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
    @Inject(PASSWORD_VERIFIER) private readonly passwords: PasswordVerifier,
  ) {}

  @Post(clientPaths('keys/device_signing/upload'))
  @HttpCode(200)
  async upload(@CurrentRequester() requester: Requester, @Body() body: unknown, @Req() request: { id: string }): Promise<Record<string, never>> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new MatrixError('M_BAD_JSON', 'The body must be a JSON object');
    const keys = crossSigningKeysOf(body as Record<string, unknown>, requester.userId);
    const auth = (body as { auth?: Record<string, unknown> }).auth;
    const authenticated = await this.passwordStage(requester.userId, auth);
    const outcome = await this.gateway.execute({ type: 'UploadCrossSigningKeys', key: requester.userId, data: { userId: requester.userId, keys, authenticated } }, request.id);
    if (outcome.ok) return {};
    if (outcome.rejection.code === 'AUTH_REQUIRED') throw this.challenge(typeof auth?.session === 'string' ? auth.session : randomUUID());
    throw rejectionToMatrixError(outcome.rejection);
  }

  /** `m.login.password`, also in its legacy form (`user` + `password`, no session). */
  private async passwordStage(userId: string, auth: Record<string, unknown> | undefined): Promise<boolean> {
    if (!auth || auth.type !== 'm.login.password') return false;
    const identifier = auth.identifier as { user?: unknown } | undefined;
    const named = identifier?.user ?? auth.user;
    const password = auth.password;
    if (typeof password !== 'string') return false;
    const localpart = userId.slice(1, userId.indexOf(':'));
    if (named !== undefined && named !== userId && named !== localpart) {
      throw new MatrixError('M_FORBIDDEN', 'The password stage must be completed by the same user', 403);
    }
    if (!(await this.passwords.verify(userId, password))) throw new MatrixError('M_FORBIDDEN', 'Invalid password', 403);
    return true;
  }

  private challenge(session: string): MatrixError {
    const flows = [{ stages: ['m.oauth'] }, ...(this.settings.authMode === 'homeserver' ? [{ stages: ['m.login.password'] }] : [])];
    return new MatrixError('M_UNAUTHORIZED', 'Replacing cross-signing keys needs authentication', 401, {
      flows,
      params: { 'm.oauth': { url: this.settings.crossSigningApprovalUrl } },
      session,
    });
  }
}
