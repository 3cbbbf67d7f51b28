import { MatrixError } from '@app/matrix';

/**
 * Longest path parameter (room id, session id, txn id, event type, version, user id), in UTF-8
 * bytes: Synapse's limit on room and user ids. Checked once for every route, before the body is read.
 */
export const MAX_PATH_PARAM_BYTES = 255;

export function assertPathParams(params: unknown): void {
  if (typeof params !== 'object' || params === null) return;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' && Buffer.byteLength(value) > MAX_PATH_PARAM_BYTES) {
      throw new MatrixError('M_INVALID_PARAM', `${name} is longer than ${MAX_PATH_PARAM_BYTES} bytes`, 400);
    }
  }
}
