import { MatrixError, isLocalUser, isUserId, serverNameOf } from '@app/matrix';

/**
 * Splits the users a request names into local ones and, per remote server, a `failures` entry
 * (until federation exists). Anything that is not a user id is a 400.
 */
export function localUsersAndFailures(userIds: readonly string[], serverName: string): { local: string[]; failures: Record<string, unknown> } {
  const invalid = userIds.find((u) => !isUserId(u));
  if (invalid !== undefined) throw new MatrixError('M_INVALID_PARAM', `Not a user id: ${invalid}`, 400);
  const failures: Record<string, unknown> = {};
  const local: string[] = [];
  for (const userId of userIds) {
    if (isLocalUser(userId, serverName)) local.push(userId);
    else failures[serverNameOf(userId)] = { status: 503, message: 'Federation is not available on this key server' };
  }
  return { local, failures };
}
