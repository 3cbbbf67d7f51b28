import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { MatrixError } from '@app/matrix';
import { DeviceSightings } from '../device-sightings/device-sightings';
import { TOKEN_VERIFIER, TokenVerifier } from './requester';

/**
 * Bearer token from the Authorization header, or the deprecated `access_token` query parameter.
 * The device of a verified token exists for the key server from its first request on.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    private readonly sightings: DeviceSightings,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest();
    const token = extractToken(request.headers?.authorization, request.query?.access_token);
    if (!token) throw new MatrixError('M_MISSING_TOKEN', 'Missing access token');
    const requester = await this.verifier.verify(token);
    if (!requester) throw new MatrixError('M_UNKNOWN_TOKEN', 'Unrecognised access token', 401, { soft_logout: false });
    if (requester.deviceId) await this.sightings.sighted(requester.userId, requester.deviceId);
    request.requester = requester;
    return true;
  }
}

export function extractToken(header: unknown, query: unknown): string | null {
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match ? match[1] : null;
  }
  return typeof query === 'string' && query.length > 0 ? query : null;
}
