import { InvalidStreamTokenError, PositionVector, decodeStreamToken } from '@app/contracts';
import { MatrixError } from '@app/matrix';

/** A stream token from a query parameter; anything this server did not issue is 400 M_INVALID_PARAM. */
export function tokenParam(name: string, value: unknown): PositionVector {
  if (typeof value !== 'string' || value.length === 0) throw new MatrixError('M_INVALID_PARAM', `${name} must be a token from a previous sync`);
  try {
    return decodeStreamToken(value);
  } catch (err) {
    if (err instanceof InvalidStreamTokenError) throw new MatrixError('M_INVALID_PARAM', `${name} is not a valid token: ${err.message}`);
    throw err;
  }
}

/** Maps store outages to 503 + Retry-After, as every read does. */
export async function unavailableOnOutage<T>(read: () => Promise<T>, isInfrastructureError: (err: unknown) => boolean): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (isInfrastructureError(err)) throw MatrixError.unavailable('The key store is temporarily unavailable', 2);
    throw err;
  }
}
