import { fnv1a } from '@app/mongo';

/**
 * A small seeded pseudo-random generator (mulberry32), so that a population and its traffic are
 * the same for the same seed on every machine. Not for cryptography: key material comes from
 * node:crypto through the test builders.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A generator derived from this one, independent of how much this one is used later. */
  fork(label: string): Rng;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)],
    fork: (label) => createRng(hashSeed(`${seed}:${label}`)),
  };
}

/** FNV-1a of a string, for deriving seeds from labels. */
export const hashSeed = (text: string): number => fnv1a(text);
