import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CrossSigningKeyUpload, Outcome } from '@app/contracts';
import { AuthChallenge, MatrixError } from '@app/matrix';
import { CommandGateway } from '../../command-gateway/command-gateway';
import { rejectionToMatrixError } from '../../command-gateway/rejection-errors';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../../config/keys-api.settings';
import { PASSWORD_VERIFIER, PasswordVerifier } from '../password-verifier';
import { crossSigningKeysOf } from './cross-signing-keys.check';
import { UploadCrossSigningKeysRequest } from './upload-cross-signing-keys.command';

/** The operator-approval stage under the spec's name and the unstable one older clients know. */
const APPROVAL_STAGES = ['m.oauth', 'org.matrix.cross_signing_reset'] as const;

/**
 * The owner of the user's partition decides whether this upload needs user-interactive auth (not
 * for the first keys nor an identical re-upload, nor inside an operator's approval window); only
 * then is a stage the client sent looked at. Otherwise the answer is a 401 challenge offering
 * `m.login.password` (when the homeserver checks passwords) and the operator-approval stage
 * (advertised like the spec's `m.oauth`: a url to follow, then retry).
 */
@CommandHandler(UploadCrossSigningKeysRequest)
export class UploadCrossSigningKeysHandler implements ICommandHandler<UploadCrossSigningKeysRequest, Record<string, never>> {
  constructor(
    private readonly gateway: CommandGateway,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
    @Inject(PASSWORD_VERIFIER) private readonly passwords: PasswordVerifier,
  ) {}

  async execute({ requester, body, correlationId }: UploadCrossSigningKeysRequest): Promise<Record<string, never>> {
    const keys = crossSigningKeysOf(body, requester.userId);
    const upload = (authenticated: boolean) => this.submit(requester.userId, keys, authenticated, correlationId);
    if (await upload(false)) return {};

    const auth = (body as { auth?: Record<string, unknown> }).auth;
    const session = typeof auth?.session === 'string' ? auth.session : randomUUID();
    if (auth?.type === 'm.login.password' && (await this.passwords.available())) {
      if (!(await this.passwordMatches(requester.userId, auth))) {
        throw await this.challenge(session, { errcode: 'M_FORBIDDEN', error: 'Invalid password' });
      }
      if (await upload(true)) return {};
    }
    throw await this.challenge(session);
  }

  /** True once stored; false when the owner asks for user-interactive auth; other rejections throw. */
  private async submit(userId: string, keys: CrossSigningKeyUpload[], authenticated: boolean, correlationId: string): Promise<boolean> {
    const outcome: Outcome = await this.gateway.execute({ type: 'UploadCrossSigningKeys', data: { userId, keys, authenticated } }, correlationId);
    if (outcome.ok) return true;
    if (outcome.rejection.code === 'AUTH_REQUIRED') return false;
    throw rejectionToMatrixError(outcome.rejection);
  }

  /** `m.login.password`, also in its legacy form (`user` + `password`, no session). */
  private async passwordMatches(userId: string, auth: Record<string, unknown>): Promise<boolean> {
    const identifier = auth.identifier as { user?: unknown } | undefined;
    const named = identifier?.user ?? auth.user;
    const localpart = userId.slice(1, userId.indexOf(':'));
    if (named !== undefined && named !== userId && named !== localpart) {
      throw new MatrixError('M_FORBIDDEN', 'The password stage must be completed by the same user', 403);
    }
    return typeof auth.password === 'string' && (await this.passwords.verify(userId, auth.password));
  }

  private async challenge(session: string, failure?: { errcode: 'M_FORBIDDEN'; error: string }): Promise<AuthChallenge> {
    const flows: { stages: string[] }[] = [];
    const params: Record<string, unknown> = {};
    if (await this.passwords.available()) flows.push({ stages: ['m.login.password'] });
    const url = this.settings.crossSigningApprovalUrl;
    if (url !== null) {
      for (const stage of APPROVAL_STAGES) {
        flows.push({ stages: [stage] });
        params[stage] = { url };
      }
    }
    return new AuthChallenge({ flows, params, session, completed: [] }, failure);
  }
}
