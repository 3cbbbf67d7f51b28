import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the Matrix spec's API definitions are read from (never copied into this project):
 * MATRIX_SPEC_DIR when set, else `shared/matrix-spec` beside the project, else the workplace's
 * shared copy. The first that exists; the contract and fuzz tiers fail on what is missing.
 */
export const MATRIX_SPEC_DIR: string = (() => {
  const candidates = [process.env.MATRIX_SPEC_DIR, join(__dirname, '..', '..', '..', 'shared', 'matrix-spec'), '/work/shared/matrix-spec'];
  const present = candidates.filter((dir): dir is string => Boolean(dir));
  return present.find((dir) => existsSync(dir)) ?? present[0];
})();
