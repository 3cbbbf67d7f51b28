// Matrix user ids: @localpart:server.name (spec appendices, "User Identifiers").
const USER_ID = /^@[^:\s]+:([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$/;

export function isUserId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 255 && USER_ID.test(value);
}

export function serverNameOf(userId: string): string {
  return userId.slice(userId.indexOf(':') + 1);
}

export function isLocalUser(userId: string, serverName: string): boolean {
  return serverNameOf(userId) === serverName;
}
