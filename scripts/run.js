#!/usr/bin/env node
// Runs a TypeScript entry point without a build step: transpile-only ts-node plus the
// tsconfig path aliases (@app/*). Usage: node scripts/run.js <entry.ts> [args...]
const path = require('node:path');
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
process.env.TS_NODE_PROJECT = path.join(__dirname, '..', 'tsconfig.json');
require('ts-node/register/transpile-only');
require('tsconfig-paths/register');
const entry = path.resolve(process.argv[2]);
process.argv.splice(1, 2, entry);
require(entry);
