import fc from 'fast-check';
import { FuzzCase } from './fuzz-cases';

/** FUZZ_SEED replays a run; without it every run picks (and prints) a new seed. */
export function fuzzSeed(fromEnv = process.env.FUZZ_SEED): number {
  if (fromEnv !== undefined && fromEnv !== '') {
    const seed = Number(fromEnv);
    if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, not ${fromEnv}`);
    return seed | 0;
  }
  return (Date.now() ^ (Math.random() * 2 ** 31)) | 0;
}

/**
 * Cases `from` .. `from + count - 1` of the run with `seed`: generated in chunks with seeds derived
 * from (seed, chunk), so a million cases never sit in memory and case i is the same in every replay.
 */
export function* seededCases(arbitrary: fc.Arbitrary<FuzzCase>, seed: number, count: number, chunk = 500): Generator<FuzzCase> {
  for (let start = 0; start < count; start += chunk) {
    const chunkSeed = (seed + Math.imul(start / chunk + 1, 0x9e3779b1)) | 0;
    yield* fc.sample(arbitrary, { seed: chunkSeed, numRuns: Math.min(chunk, count - start) });
  }
}
