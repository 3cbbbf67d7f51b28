/** What the command-processor knows about one user, folded from that user's events. */
export interface DeviceState {
  /** Canonical JSON of the device's uploaded `device_keys`, or null before the first upload. */
  readonly keysJson: string | null;
}

export interface UserKeysState {
  readonly devices: Readonly<Record<string, DeviceState>>;
  /** Ids of the most recent commands that produced events, to make redelivered commands no-ops. */
  readonly processedCommands: readonly string[];
}

/** How many command ids a user's state remembers; redeliveries come within a batch or two. */
export const PROCESSED_COMMANDS_KEPT = 256;

export const initialUserKeysState = (): UserKeysState => ({ devices: {}, processedCommands: [] });
