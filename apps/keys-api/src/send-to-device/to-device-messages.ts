import { MatrixError, isLocalUser, isUserId } from '@app/matrix';

/** Largest content of one to-device message, as JSON (the spec's 64 KiB event limit). */
export const MAX_TO_DEVICE_BYTES = 64 * 1024;
/** Most messages (recipient devices) in one request. */
export const MAX_TO_DEVICE_MESSAGES = 10_000;

export interface RecipientMessages {
  readonly userId: string;
  readonly messages: { deviceId: string; contentJson: string }[];
}

/**
 * Checks the `messages` map of a `/sendToDevice` body (already a JSON object: the DTO) and groups it
 * by recipient. Keyed by user and device ids, with per-entry limits, so a function rather than
 * class-validator; the first error in body order is the answer. Everything is checked before
 * anything is sent, so a refused request leaves nothing behind. Recipients on other servers are
 * refused (400 M_INVALID_PARAM) until federation exists.
 */
export function recipientMessagesOf(messages: Record<string, unknown>, serverName: string): RecipientMessages[] {
  const result: RecipientMessages[] = [];
  let count = 0;
  for (const [userId, devices] of Object.entries(messages)) {
    if (!isUserId(userId)) throw new MatrixError('M_INVALID_PARAM', `Not a user id: ${userId}`);
    if (!isLocalUser(userId, serverName)) throw new MatrixError('M_INVALID_PARAM', `${userId} is on another server; this key server does not federate yet`);
    if (typeof devices !== 'object' || devices === null || Array.isArray(devices)) throw new MatrixError('M_BAD_JSON', `messages.${userId} must be an object`);
    const forUser: RecipientMessages = { userId, messages: [] };
    for (const [deviceId, content] of Object.entries(devices)) {
      if (deviceId.length === 0) throw new MatrixError('M_INVALID_PARAM', 'Device ids must not be empty');
      if (typeof content !== 'object' || content === null || Array.isArray(content))
        throw new MatrixError('M_BAD_JSON', `The message for ${userId} ${deviceId} must be an object`);
      const contentJson = JSON.stringify(content);
      if (Buffer.byteLength(contentJson) > MAX_TO_DEVICE_BYTES)
        throw new MatrixError('M_TOO_LARGE', `A to-device message may be at most ${MAX_TO_DEVICE_BYTES} bytes`, 413);
      if (++count > MAX_TO_DEVICE_MESSAGES) throw new MatrixError('M_TOO_LARGE', `At most ${MAX_TO_DEVICE_MESSAGES} messages per request`, 413);
      forUser.messages.push({ deviceId, contentJson });
    }
    if (forUser.messages.length > 0) result.push(forUser);
  }
  return result;
}
