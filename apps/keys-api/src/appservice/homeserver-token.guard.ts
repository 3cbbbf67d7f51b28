import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { MatrixError } from '@app/matrix';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { extractToken } from '../auth/access-token.guard';

/** Application-service pushes carry the registration's hs_token (spec: application-service API). */
@Injectable()
export class HomeserverTokenGuard implements CanActivate {
  constructor(@Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest();
    const expected = this.settings.appserviceHsToken;
    if (!expected) throw new MatrixError('M_FORBIDDEN', 'Application-service pushes are not configured (APPSERVICE_HS_TOKEN)');
    const token = extractToken(request.headers?.authorization, request.query?.access_token);
    if (!token) throw new MatrixError('M_UNAUTHORIZED', 'Missing homeserver token');
    const a = Buffer.from(token);
    const b = Buffer.from(expected);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new MatrixError('M_FORBIDDEN', 'Invalid homeserver token');
    return true;
  }
}
