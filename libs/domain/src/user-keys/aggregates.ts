import { Command, CommandType, DomainEvent, DomainEventType, backupKey } from '@app/contracts';
import { own } from '@app/matrix';
import { Decision } from '../shared/decision';
import { decideDevices } from '../devices/devices.decide';
import { evolveDevices } from '../devices/devices.evolve';
import { deviceKeysJson } from '../devices/devices.state';
import { decideMemberships } from '../memberships/memberships.decide';
import { evolveMemberships } from '../memberships/memberships.evolve';
import { decideRoomEncryption } from '../room-encryption/room-encryption.decide';
import { evolveRoomEncryption } from '../room-encryption/room-encryption.evolve';
import { decideCrossSigning } from '../cross-signing/cross-signing.decide';
import { evolveCrossSigning } from '../cross-signing/cross-signing.evolve';
import { isCrossSigningKey } from '../cross-signing/cross-signing.state';
import { decideBackups } from '../room-key-backup/backup.decide';
import { evolveBackups } from '../room-key-backup/backup.evolve';
import { UserKeysState } from './user-keys.state';

/**
 * The one place that says which aggregate decides each command, under which key it is sent and
 * kept, and which aggregate folds each event. The key is the consistency boundary: one partition
 * owner decides everything under it, in log order, so aggregates kept under the same key (a
 * user's devices and cross-signing keys) may read each other's state, through the narrow views
 * wired below and never by importing each other.
 */
export type AggregateName = 'devices' | 'memberships' | 'room-encryption' | 'cross-signing' | 'room-key-backup';

export const COMMAND_AGGREGATE = {
  UploadKeys: 'devices',
  ClaimKeys: 'devices',
  ApplyDeviceChange: 'devices',
  DeliverToDevice: 'devices',
  AckToDevice: 'devices',
  ApplyMembership: 'memberships',
  ApplyRoomEncryption: 'room-encryption',
  UploadCrossSigningKeys: 'cross-signing',
  AllowCrossSigningReplacement: 'cross-signing',
  UploadSignatures: 'cross-signing',
  CreateBackupVersion: 'room-key-backup',
  UpdateBackupVersion: 'room-key-backup',
  DeleteBackupVersion: 'room-key-backup',
  PutBackupKeys: 'room-key-backup',
  DeleteBackupKeys: 'room-key-backup',
} as const satisfies Record<CommandType, AggregateName>;

/** `null`: a partition's fence marker, no aggregate's. */
export const EVENT_AGGREGATE = {
  WriterStarted: null,
  DeviceKeysUploaded: 'devices',
  OneTimeKeysUploaded: 'devices',
  FallbackKeyUploaded: 'devices',
  OneTimeKeyClaimed: 'devices',
  FallbackKeyUsed: 'devices',
  ClaimDecided: 'devices',
  DeviceDisplayNameChanged: 'devices',
  DeviceDeleted: 'devices',
  ToDeviceQueued: 'devices',
  ToDeviceDropped: 'devices',
  ToDeviceAcked: 'devices',
  MembershipChanged: 'memberships',
  RoomEncryptionEnabled: 'room-encryption',
  CrossSigningKeysUploaded: 'cross-signing',
  CrossSigningReplacementAllowed: 'cross-signing',
  SignaturesUploaded: 'cross-signing',
  BackupVersionCreated: 'room-key-backup',
  BackupVersionUpdated: 'room-key-backup',
  BackupVersionDeleted: 'room-key-backup',
  BackupKeysStored: 'room-key-backup',
  BackupKeysDeleted: 'room-key-backup',
} as const satisfies Record<DomainEventType, AggregateName | null>;

type CommandOf<A extends AggregateName> = Extract<Command, { type: { [T in CommandType]: (typeof COMMAND_AGGREGATE)[T] extends A ? T : never }[CommandType] }>;
type EventOf<A extends AggregateName> = Extract<
  DomainEvent,
  { type: { [T in DomainEventType]: (typeof EVENT_AGGREGATE)[T] extends A ? T : never }[DomainEventType] }
>;

/** A command's type and data: enough to choose its key, before it has an envelope. */
export type CommandBody = { [T in CommandType]: { readonly type: T; readonly data: Extract<Command, { type: T }>['data'] } }[CommandType];

/** Properties, not methods: checked strictly, so an aggregate must take every command routed to it. */
interface Wiring<A extends AggregateName> {
  readonly key: (data: CommandOf<A>['data']) => string;
  readonly decide: (state: UserKeysState, command: CommandOf<A>, redelivered: boolean) => Decision;
  readonly evolve: (state: UserKeysState, event: EventOf<A>) => UserKeysState;
}

/**
 * Any aggregate's wiring, to call it. Methods are checked bivariantly, so each `Wiring<A>` fits
 * this type; the tables above guarantee it only ever gets its own commands and events.
 */
interface AnyWiring {
  key(data: Command['data']): string;
  decide(state: UserKeysState, command: Command, redelivered: boolean): Decision;
  evolve(state: UserKeysState, event: DomainEvent): UserKeysState;
}

const WIRING: { readonly [A in AggregateName]: Wiring<A> } = {
  devices: {
    key: (data) => data.userId,
    decide: (state, command, redelivered) => decideDevices(state, command, redelivered, { isCrossSigningKey: (keyId) => isCrossSigningKey(state, keyId) }),
    evolve: evolveDevices,
  },
  memberships: { key: (data) => data.userId, decide: decideMemberships, evolve: evolveMemberships },
  'room-encryption': { key: (data) => data.roomId, decide: decideRoomEncryption, evolve: evolveRoomEncryption },
  'cross-signing': {
    key: (data) => data.userId,
    decide: (state, command, redelivered) => decideCrossSigning(state, command, redelivered, { keysJsonOf: (deviceId) => deviceKeysJson(state, deviceId) }),
    evolve: evolveCrossSigning,
  },
  // Its own key: one owner decides a user's backups, and all their events lie in one partition.
  'room-key-backup': { key: (data) => backupKey(data.userId), decide: decideBackups, evolve: evolveBackups },
};

function wiringOf(aggregate: AggregateName | null | undefined, unhandled: string): AnyWiring {
  if (!aggregate) throw new Error(unhandled);
  return WIRING[aggregate];
}

/** The key a command is sent under (its Kafka key) and its aggregate's state is kept under. */
export function aggregateKeyOf(command: CommandBody): string {
  return wiringOf(own(COMMAND_AGGREGATE, command.type), `aggregateKeyOf: unhandled command ${command.type}`).key(command.data);
}

/** Decides the command with its aggregate; `redelivered`: its events are already in the state. */
export function decideWithAggregate(state: UserKeysState, command: Command, redelivered: boolean): Decision {
  return wiringOf(own(COMMAND_AGGREGATE, command.type), `decideUserKeys: unhandled command ${command.type}`).decide(state, command, redelivered);
}

/** Folds the event into its aggregate's fields; other fields are kept as they are. */
export function evolveWithAggregate(state: UserKeysState, event: DomainEvent): UserKeysState {
  const aggregate = own(EVENT_AGGREGATE, event.type);
  return aggregate === null ? state : wiringOf(aggregate, `evolveUserKeys: unhandled event ${event.type}`).evolve(state, event);
}
