import { createHmac } from 'node:crypto';

/** An HS256 access token for AUTH_MODE=jwt (claims `sub`, `device_id`, `exp`), as the homeserver side would issue. */
export function accessToken(secret: string, userId: string, deviceId: string, lifetimeSeconds = 24 * 3600): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const head = encode({ alg: 'HS256', typ: 'JWT' });
  const body = encode({ sub: userId, device_id: deviceId, exp: Math.floor(Date.now() / 1000) + lifetimeSeconds });
  return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
}
