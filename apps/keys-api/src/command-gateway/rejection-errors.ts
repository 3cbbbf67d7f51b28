import { Rejection, SignatureFailureCode } from '@app/contracts';
import { MatrixError } from '@app/matrix';

/** Domain rejection codes become Matrix errors here, at the edge, and nowhere else. */
export function rejectionToMatrixError(rejection: Rejection): MatrixError {
  switch (rejection.code) {
    case 'DEVICE_KEYS_CHANGED':
      return new MatrixError('M_INVALID_PARAM', rejection.message, 400);
    case 'ONE_TIME_KEY_CHANGED':
      return new MatrixError('M_INVALID_PARAM', rejection.message, 400);
    case 'INVALID_SIGNATURE':
      return new MatrixError('M_INVALID_SIGNATURE', rejection.message, 400);
    case 'INVALID_COMMAND':
      return new MatrixError('M_BAD_JSON', rejection.message, 400);
    case 'BACKUP_NOT_FOUND':
      return new MatrixError('M_NOT_FOUND', rejection.message, 404);
    case 'BACKUP_MISMATCH':
      return new MatrixError('M_INVALID_PARAM', rejection.message, 400);
    case 'MISSING_MASTER_KEY':
      return new MatrixError('M_MISSING_PARAM', rejection.message, 400);
    case 'KEY_ID_IN_USE':
      return new MatrixError('M_FORBIDDEN', rejection.message, 403);
    case 'AUTH_REQUIRED':
      // The API answers with a user-interactive auth challenge before it gets here.
      return new MatrixError('M_FORBIDDEN', rejection.message, 403);
    case 'WRONG_BACKUP_VERSION':
      return new MatrixError('M_WRONG_ROOM_KEYS_VERSION', rejection.message, 403, { current_version: rejection.currentVersion ?? null });
    default: {
      const unhandled: never = rejection.code;
      return new MatrixError('M_UNKNOWN', `Unexpected rejection ${String(unhandled)}`, 500);
    }
  }
}

/** The Matrix errcode of a refused object in `/keys/signatures/upload`'s `failures`. */
export function signatureFailureErrcode(code: SignatureFailureCode): string {
  switch (code) {
    case 'SIGNED_OBJECT_MISMATCH':
      return 'M_INVALID_PARAM';
    case 'INVALID_SIGNATURE':
      return 'M_INVALID_SIGNATURE';
    case 'UNKNOWN_KEY':
      return 'M_NOT_FOUND';
    default: {
      const unhandled: never = code;
      return `M_UNKNOWN (${String(unhandled)})`;
    }
  }
}
