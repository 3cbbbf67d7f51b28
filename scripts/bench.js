#!/usr/bin/env node
// npm run bench -- <name>: runs bench/<name>.bench.ts with the local infrastructure up.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const name = process.argv[2];
if (!name) {
  process.stderr.write('usage: npm run bench -- <name>   (see bench/*.bench.ts)\n');
  process.exit(2);
}
const root = path.join(__dirname, '..');
const run = path.join(root, 'scripts', 'run.js');
const result = spawnSync(
  process.execPath,
  [run, path.join(root, 'apps/cli/src/main.ts'), 'infra', 'with', '--', process.execPath, run, path.join(root, 'bench', `${name}.bench.ts`)],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
