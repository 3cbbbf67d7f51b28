import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { MatrixError } from '@app/matrix';
import { extractToken } from '../../auth/access-token.guard';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../../config/keys-api.settings';

/** The operator's ADMIN_TOKEN, as Synapse's admin API takes it (bearer or `access_token`). */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest();
    const token = extractToken(request.headers?.authorization, request.query?.access_token);
    if (!token) throw new MatrixError('M_MISSING_TOKEN', 'Missing admin token', 401);
    const expected = this.settings.adminToken;
    if (!expected || token.length !== expected.length || !timingSafeEqual(Buffer.from(token), Buffer.from(expected)))
      throw new MatrixError('M_FORBIDDEN', 'Not an admin token', 403);
    return true;
  }
}
