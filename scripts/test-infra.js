#!/usr/bin/env node
// The infrastructure tiers of `npm test`: integration, e2e and interop suites with every store
// command the services send recorded, then the point-access audit of that record.
const { spawnSync } = require('node:child_process');
const { mkdirSync, rmSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const record = path.join(root, '.local', 'store-commands.jsonl');
mkdirSync(path.dirname(record), { recursive: true });
rmSync(record, { force: true });
const env = { ...process.env, MONGODB_COMMAND_LOG: record };
const jest = (...args) => spawnSync('npx', ['jest', ...args, '--runInBand', '--forceExit'], { cwd: root, env, stdio: 'inherit' }).status ?? 1;

// The gateway's e2e suites run a real Synapse (PyPI, pinned): installed into .local/ once, cached.
const provisioned = spawnSync(process.execPath, [path.join(root, 'scripts', 'run.js'), path.join(root, 'apps', 'cli', 'src', 'main.ts'), 'infra', 'provision-synapse'], { cwd: root, stdio: 'inherit' }).status;
if (provisioned !== 0) process.exit(provisioned ?? 1);
const suites = jest('--selectProjects', 'integration', 'e2e', 'interop', ...process.argv.slice(2));
const audit = jest('--selectProjects', 'audit');
process.exit(suites !== 0 ? suites : audit);
