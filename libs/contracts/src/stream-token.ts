/**
 * Sync and /keys/changes tokens: a position vector over the partitions of e2ee.events. Entry p is
 * the offset of the last event of partition p the token covers (-1: none). A token with fewer
 * entries than there are partitions (partitions added later) covers nothing of the new ones, so
 * it stays valid; offsets never change, so it also survives restarts and projection replays.
 *
 * On the wire: `k1_` then, per partition, offset + 1 in base 36, joined by `_` (opaque to clients).
 */
export type PositionVector = readonly number[];

const PREFIX = 'k1_';
const MAX_PARTITIONS = 4096;

export class InvalidStreamTokenError extends Error {}

export function encodeStreamToken(vector: PositionVector): string {
  return PREFIX + vector.map((offset) => (offset + 1).toString(36)).join('_');
}

export function decodeStreamToken(token: string): PositionVector {
  if (!token.startsWith(PREFIX)) throw new InvalidStreamTokenError('not a token of this server');
  const parts = token.slice(PREFIX.length).split('_');
  if (parts.length > MAX_PARTITIONS) throw new InvalidStreamTokenError('too many positions');
  return parts.map((part) => {
    if (!/^[0-9a-z]{1,11}$/.test(part)) throw new InvalidStreamTokenError('malformed position');
    const value = parseInt(part, 36);
    if (!Number.isSafeInteger(value)) throw new InvalidStreamTokenError('position out of range');
    return value - 1;
  });
}

/** Whether the event at (partition, offset) comes after what the vector covers. */
export const isAfter = (vector: PositionVector, partition: number, offset: number): boolean => offset > (vector[partition] ?? -1);

/** The later of two vectors, entry by entry: tokens handed out never go backwards. */
export function laterOf(a: PositionVector, b: PositionVector): PositionVector {
  const length = Math.max(a.length, b.length);
  return Array.from({ length }, (_, p) => Math.max(a[p] ?? -1, b[p] ?? -1));
}
