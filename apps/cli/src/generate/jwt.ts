import { SignJWT } from 'jose';

/** An HS256 access token for AUTH_MODE=jwt (claims `sub`, `device_id`, `exp`), as the homeserver side would issue. */
export function accessToken(secret: string, userId: string, deviceId: string, lifetimeSeconds = 24 * 3600): Promise<string> {
  return new SignJWT({ device_id: deviceId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
    .sign(new TextEncoder().encode(secret));
}
