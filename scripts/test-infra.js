#!/usr/bin/env node
// The infrastructure tiers of `npm test`: integration, e2e and interop suites with every store
// command the services send and every HTTP answer the tests receive recorded, then the point-access
// audit and the contract tier (answers against the Matrix spec) of those records.
const { spawnSync } = require('node:child_process');
const { mkdirSync, rmSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const record = path.join(root, '.local', 'store-commands.jsonl');
const responses = path.join(root, '.local', 'http-responses.jsonl');
mkdirSync(path.dirname(record), { recursive: true });
rmSync(record, { force: true });
rmSync(responses, { force: true });
const env = { ...process.env, MONGODB_COMMAND_LOG: record, CONTRACT_LOG: responses };
const jest = (...args) => spawnSync('npx', ['jest', ...args, '--runInBand', '--forceExit'], { cwd: root, env, stdio: 'inherit' }).status ?? 1;

// The gateway's e2e suites run a real Synapse (PyPI, pinned): installed into .local/ once, cached.
const provisioned = spawnSync(
  process.execPath,
  [path.join(root, 'scripts', 'run.js'), path.join(root, 'apps', 'cli', 'src', 'main.ts'), 'infra', 'provision-synapse'],
  { cwd: root, stdio: 'inherit' },
).status;
if (provisioned !== 0) process.exit(provisioned ?? 1);
const suites = jest('--selectProjects', 'integration', 'e2e', 'interop', ...process.argv.slice(2));
const audit = jest('--selectProjects', 'audit');
const contract = jest('--selectProjects', 'contract');
process.exit([suites, audit, contract].find((status) => status !== 0) ?? 0);
