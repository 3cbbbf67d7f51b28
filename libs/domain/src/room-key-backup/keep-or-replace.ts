/** What the server may read of a backed-up session key to choose between two copies. */
export interface BackedUpKeyRank {
  readonly isVerified: boolean;
  readonly firstMessageIndex: number;
  readonly forwardedCount: number;
}

/**
 * The spec's rule for a key uploaded over one already stored for the same session: a verified
 * copy beats an unverified one; then the lower `first_message_index` (it decrypts more of the
 * session); then the lower `forwarded_count`. A full tie keeps the stored copy, so re-uploading
 * the same key changes nothing (and the backup's etag stays). Synapse and Dendrite compare these
 * differently (synapse#13704); this follows the spec's order.
 */
export function replacesStoredKey(stored: BackedUpKeyRank, incoming: BackedUpKeyRank): boolean {
  if (stored.isVerified !== incoming.isVerified) return incoming.isVerified;
  if (stored.firstMessageIndex !== incoming.firstMessageIndex) return incoming.firstMessageIndex < stored.firstMessageIndex;
  return incoming.forwardedCount < stored.forwardedCount;
}
