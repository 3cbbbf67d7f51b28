import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** Who is calling: set by the access-token guard. */
export interface Requester {
  readonly userId: string;
  readonly deviceId: string | null;
}

/** Port: turns an access token into a requester, or null when the token is unknown. */
export interface TokenVerifier {
  verify(token: string): Promise<Requester | null>;
}

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

export const CurrentRequester = createParamDecorator((_data: unknown, ctx: ExecutionContext): Requester => {
  return ctx.switchToHttp().getRequest().requester;
});
