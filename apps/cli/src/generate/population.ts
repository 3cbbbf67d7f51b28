import { Rng } from './prng';
import { sampleDeviceCount, sampleDistinct, zipfRoomSizes } from './distributions';

export interface PopulationOptions {
  readonly users: number;
  readonly rooms: number;
  /** Members of the largest room (capped at the user count); the others follow Zipf. */
  readonly maxRoomSize: number;
  readonly zipfExponent: number;
  /** Accounts with thousands of devices (bots, bridges, test accounts). */
  readonly whales: number;
  readonly whaleDevices: number;
  /** Share of rooms that start encrypted; the largest unencrypted rooms turn it on during the run. */
  readonly encryptedShare: number;
  readonly serverName: string;
}

export interface UserModel {
  readonly userId: string;
  readonly devices: string[];
}

export interface RoomModel {
  readonly roomId: string;
  /** Indices into `users`. */
  readonly members: Set<number>;
  encrypted: boolean;
}

export interface Population {
  readonly users: UserModel[];
  readonly rooms: RoomModel[];
}

export const userIdOf = (i: number, serverName: string) => `@u${i}:${serverName}`;
export const deviceIdOf = (user: number, n: number) => `D${user.toString(36).toUpperCase()}X${n.toString(36).toUpperCase()}`;

/** The same options and seed give the same users, devices, rooms and members. */
export function buildPopulation(options: PopulationOptions, rng: Rng): Population {
  const deviceRng = rng.fork('devices');
  const users: UserModel[] = Array.from({ length: options.users }, (_, i) => {
    const count = i < options.whales ? options.whaleDevices : sampleDeviceCount(deviceRng);
    return { userId: userIdOf(i, options.serverName), devices: Array.from({ length: count }, (_, n) => deviceIdOf(i, n)) };
  });
  const memberRng = rng.fork('members');
  const encryptionRng = rng.fork('encryption');
  const sizes = zipfRoomSizes(options.rooms, Math.min(options.maxRoomSize, options.users), options.zipfExponent, Math.min(2, options.users));
  const rooms: RoomModel[] = sizes.map((size, r) => ({
    roomId: `!r${r}:${options.serverName}`,
    members: new Set(sampleDistinct(memberRng, options.users, size)),
    // The three largest rooms start unencrypted, so that the run can turn encryption on in a big room.
    encrypted: r >= 3 && encryptionRng.next() < options.encryptedShare,
  }));
  return { users, rooms };
}

export function describePopulation(p: Population): Record<string, number> {
  const devices = p.users.map((u) => u.devices.length);
  const sizes = p.rooms.map((r) => r.members.size);
  return {
    users: p.users.length,
    devices: devices.reduce((s, x) => s + x, 0),
    usersWith1to3Devices: devices.filter((d) => d <= 3).length,
    maxDevicesOfOneUser: Math.max(0, ...devices),
    rooms: p.rooms.length,
    memberships: sizes.reduce((s, x) => s + x, 0),
    largestRoom: Math.max(0, ...sizes),
    medianRoom: [...sizes].sort((a, b) => a - b)[Math.floor(sizes.length / 2)] ?? 0,
    encryptedRooms: p.rooms.filter((r) => r.encrypted).length,
  };
}
