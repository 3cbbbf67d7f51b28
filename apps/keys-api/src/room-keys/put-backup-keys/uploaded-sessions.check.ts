import { BackupSessionUpload } from '@app/contracts';
import { MatrixError } from '@app/matrix';

/** Most sessions one key upload may carry (one command; more: 413 M_TOO_LARGE). */
export const MAX_SESSIONS_PER_UPLOAD = 10_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function keyData(roomId: string, sessionId: string, value: unknown): BackupSessionUpload {
  if (!isObject(value)) throw new MatrixError('M_BAD_JSON', `The key of ${roomId} ${sessionId} must be an object`);
  const { first_message_index: first, forwarded_count: forwarded, is_verified: verified, session_data: data } = value;
  if (!Number.isSafeInteger(first) || (first as number) < 0) throw new MatrixError('M_BAD_JSON', 'first_message_index must be a non-negative integer');
  if (!Number.isSafeInteger(forwarded) || (forwarded as number) < 0) throw new MatrixError('M_BAD_JSON', 'forwarded_count must be a non-negative integer');
  if (typeof verified !== 'boolean') throw new MatrixError('M_BAD_JSON', 'is_verified must be a boolean');
  if (!isObject(data)) throw new MatrixError('M_BAD_JSON', 'session_data must be an object');
  return {
    roomId,
    sessionId,
    firstMessageIndex: first as number,
    forwardedCount: forwarded as number,
    isVerified: verified,
    sessionDataJson: JSON.stringify(data),
  };
}

function sessionsOf(roomId: string, body: unknown): BackupSessionUpload[] {
  if (!isObject(body) || !isObject(body.sessions)) throw new MatrixError('M_BAD_JSON', 'sessions must be an object');
  return Object.entries(body.sessions).map(([sessionId, value]) => keyData(roomId, sessionId, value));
}

/**
 * The sessions of a PUT at any of the three levels, checked before anything is sent. Not a DTO:
 * the body's shape depends on the path, and its maps are keyed by room and session ids, which
 * class-validator cannot walk; the first error in body order is the answer.
 */
export function uploadedSessions(body: unknown, roomId?: string, sessionId?: string): BackupSessionUpload[] {
  let sessions: BackupSessionUpload[];
  if (roomId !== undefined && sessionId !== undefined) sessions = [keyData(roomId, sessionId, body)];
  else if (roomId !== undefined) sessions = sessionsOf(roomId, body);
  else {
    if (!isObject(body) || !isObject(body.rooms)) throw new MatrixError('M_BAD_JSON', 'rooms must be an object');
    sessions = Object.entries(body.rooms).flatMap(([room, value]) => sessionsOf(room, value));
  }
  if (sessions.length > MAX_SESSIONS_PER_UPLOAD) throw new MatrixError('M_TOO_LARGE', `At most ${MAX_SESSIONS_PER_UPLOAD} sessions per upload`, 413);
  return sessions;
}
