import { ApplyDeviceChangeCommand, ClaimKeysCommand, RoutedCommand, UploadKeysCommand, UploadedKey } from '@app/contracts';
import { SeededRandom } from './seeded-random';

import { SimulatedCommandTopic } from './simulated-command-topic';

import { CommandBody, aggregateKeyOf } from '@app/domain';

export interface SimulatedUser {
  readonly id: string;
  readonly partition: number;
  readonly devices: readonly string[];
}

type Kind = 'upload' | 'claim' | 'rename' | 'delete' | 'repeat';

const CLAIMERS = ['@alice:sim|A1', '@bob:sim|B1', '@carol:sim|C1'];
/** How far back a repeated command reaches (well inside the 64 claims and 256 commands a state remembers). */
const REPEAT_WINDOW = 24;

/**
 * The clients: seeded uploads of one-time and fallback keys, claims of a user's devices by
 * several claimers, device renames and deletions, and the same command sent again (a retry or a
 * redelivery with the same command id).
 */
export class CommandTraffic {
  private readonly sent: { partition: number; command: RoutedCommand }[] = [];
  private readonly nextKeyId = new Map<string, number>();
  private count = 0;

  constructor(
    private readonly rng: SeededRandom,
    readonly users: readonly SimulatedUser[],
    private readonly topic: SimulatedCommandTopic,
    private readonly now: () => number,
  ) {}

  /** Sends one command; says which. */
  sendOne(): string {
    const kinds: [Kind, number][] = [
      ['upload', 35],
      ['claim', 40],
      ['rename', 5],
      ['delete', 2],
    ];
    if (this.sent.length > 0) kinds.push(['repeat', 15]);
    const kind = this.rng.weighted(kinds);
    if (kind === 'repeat') {
      const earlier = this.rng.pick(this.sent.slice(-REPEAT_WINDOW));
      this.topic.send(earlier.partition, earlier.command);
      return `send ${earlier.command.id} again`;
    }
    const user = this.rng.pick(this.users);
    const device = this.rng.pick(user.devices);
    const command =
      kind === 'claim'
        ? this.claim(user)
        : kind === 'upload'
          ? this.upload(user, device)
          : this.deviceChange(user, device, kind === 'delete' ? 'deleted' : 'renamed');
    this.sent.push({ partition: user.partition, command });
    this.topic.send(user.partition, command);
    return `send ${command.id} ${command.type} ${JSON.stringify(command.data).slice(0, 120)}`;
  }

  private routed(body: CommandBody): RoutedCommand {
    const id = `c${++this.count}`;
    return {
      id,
      schemaVersion: 1,
      time: this.now(),
      correlationId: id,
      causationId: null,
      routing: { replyTo: 'api-1' },
      ...body,
      key: aggregateKeyOf(body),
    } as RoutedCommand;
  }

  private upload(user: SimulatedUser, deviceId: string): RoutedCommand {
    const roll = this.rng.next();
    const deviceKeysJson = roll < 0.6 ? deviceKeys(user.id, deviceId, 'k') : roll < 0.65 ? deviceKeys(user.id, deviceId, 'other') : null;
    const counter = `${user.id}|${deviceId}`;
    const first = this.nextKeyId.get(counter) ?? 0;
    const fresh = this.rng.int(0, 3);
    this.nextKeyId.set(counter, first + fresh);
    const ids = Array.from({ length: fresh }, (_, i) => first + i);
    // A client retrying an upload names keys it sent before (maybe handed out since).
    if (first > 0 && this.rng.chance(0.25)) ids.unshift(this.rng.int(0, first - 1));
    const oneTimeKeys = ids.map((n) => key(user.id, deviceId, `signed_curve25519:K${n}`));
    const fallbackKeys = this.rng.chance(0.2) ? [key(user.id, deviceId, `signed_curve25519:F${this.count}`)] : [];
    const data: UploadKeysCommand['data'] = { userId: user.id, deviceId, deviceKeysJson, oneTimeKeys, fallbackKeys, verifySignatures: false };
    return this.routed({ type: 'UploadKeys', data });
  }

  private claim(user: SimulatedUser): RoutedCommand {
    const devices = user.devices.filter(() => this.rng.chance(0.7));
    const claims = (devices.length > 0 ? devices : [this.rng.pick(user.devices)]).map((deviceId) => ({ deviceId, algorithm: 'signed_curve25519' }));
    const data: ClaimKeysCommand['data'] = { userId: user.id, claims, claimedBy: this.rng.pick(CLAIMERS) };
    return this.routed({ type: 'ClaimKeys', data });
  }

  private deviceChange(user: SimulatedUser, deviceId: string, change: 'renamed' | 'deleted'): RoutedCommand {
    const displayName = change === 'renamed' ? `phone ${this.count}` : null;
    const data: ApplyDeviceChangeCommand['data'] = { userId: user.id, deviceId, change, displayName };
    return this.routed({ type: 'ApplyDeviceChange', data });
  }
}

const deviceKeys = (userId: string, deviceId: string, variant: string): string =>
  JSON.stringify({ device_id: deviceId, keys: { [`ed25519:${deviceId}`]: `${variant}-${deviceId}` }, user_id: userId });

const key = (userId: string, deviceId: string, keyName: string): UploadedKey => ({
  keyName,
  json: JSON.stringify({ key: `${userId}/${deviceId}/${keyName}` }),
});
