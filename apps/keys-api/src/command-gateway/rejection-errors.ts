import { CommandReply, Outcome, Rejection, SignatureFailureCode } from '@app/contracts';
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
    case 'COMMAND_FAILED':
      // The server's fault, not the request's shape: 500, with the processor's short text (no stack).
      return new MatrixError('M_UNKNOWN', rejection.message, 500);
    case 'WRONG_BACKUP_VERSION':
      return new MatrixError('M_WRONG_ROOM_KEYS_VERSION', rejection.message, 403, { current_version: rejection.currentVersion ?? null });
    default: {
      const unhandled: never = rejection.code;
      return new MatrixError('M_UNKNOWN', `Unexpected rejection ${String(unhandled)}`, 500);
    }
  }
}

/**
 * What a waiting request makes of its reply. None in time: 503 to retry. Deciding failed on the
 * processor (the command was dead-lettered): 500 for every caller, never an outcome to interpret.
 * Otherwise the domain's outcome, accepted or rejected.
 */
export function outcomeOfReply(reply: CommandReply | null): Outcome {
  if (!reply) throw MatrixError.unavailable('The key server did not decide in time; retrying the same request is safe', 1);
  if (!reply.outcome.ok && reply.outcome.rejection.code === 'COMMAND_FAILED') throw rejectionToMatrixError(reply.outcome.rejection);
  return reply.outcome;
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
