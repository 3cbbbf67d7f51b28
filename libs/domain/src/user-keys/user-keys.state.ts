import { CrossSigningState } from '../cross-signing/cross-signing.state';
import { DevicesState } from '../devices/devices.state';
import { MembershipsState } from '../memberships/memberships.state';
import { RoomKeyBackupState } from '../room-key-backup/backup.state';
import { RoomEncryptionState } from '../room-encryption/room-encryption.state';

/**
 * The state the command-processor keeps per command key, snapshotted as JSON: the fields of every
 * aggregate side by side, each aggregate reading and writing only its own. Which aggregates fill
 * it depends on the key (`aggregates.ts`): a user id has devices, memberships and cross-signing; a
 * room id, room encryption; `backup:<user id>`, the backups. Field names and nesting are the
 * snapshot format: renaming one makes stored snapshots unreadable.
 */
export interface UserKeysState extends DevicesState, MembershipsState, RoomEncryptionState, CrossSigningState, RoomKeyBackupState {
  /** Ids of the most recent commands that produced events, to make redelivered commands no-ops. */
  readonly processedCommands: readonly string[];
}

/** How many command ids a state remembers; redeliveries come within a batch or two. */
export const PROCESSED_COMMANDS_KEPT = 256;

// Field order as before the split into aggregates, so new snapshots are byte-identical too.
export const initialUserKeysState = (): UserKeysState => ({ devices: {}, processedCommands: [], recentClaims: [] });
