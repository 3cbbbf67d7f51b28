import { MatrixError, isUserId } from '@app/matrix';

/** Most signed objects in one upload (a client signs a handful at a time). */
export const MAX_SIGNED_OBJECTS = 1000;

export interface SignedObjectCandidate {
  readonly targetUserId: string;
  readonly keyId: string;
  readonly object: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `{user id: {key id: signed object}}`: the body is a map keyed by user ids, which class-validator
 * cannot describe; the first malformed entry in body order is a 400 M_INVALID_PARAM, too many
 * objects 413 M_TOO_LARGE. Whether each object may be recorded is decided later, per object.
 */
export function signedObjectsOf(body: Record<string, unknown>): SignedObjectCandidate[] {
  const candidates: SignedObjectCandidate[] = [];
  for (const [targetUserId, objects] of Object.entries(body)) {
    if (!isUserId(targetUserId)) throw new MatrixError('M_INVALID_PARAM', `Not a user id: ${targetUserId}`);
    if (!isObject(objects)) throw new MatrixError('M_INVALID_PARAM', `${targetUserId} must map key ids to signed objects`);
    for (const [keyId, object] of Object.entries(objects)) {
      if (!isObject(object)) throw new MatrixError('M_INVALID_PARAM', `${targetUserId}/${keyId} must be a signed key object`);
      candidates.push({ targetUserId, keyId, object });
    }
  }
  if (candidates.length > MAX_SIGNED_OBJECTS) throw new MatrixError('M_TOO_LARGE', `At most ${MAX_SIGNED_OBJECTS} signed objects per upload`, 413);
  return candidates;
}
