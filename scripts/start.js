#!/usr/bin/env node
// Runs a built service from dist/ (after `npm run build`), resolving the @app/* aliases there.
// Usage: node scripts/start.js keys-api|command-processor|projector|cli [args...]
const path = require('node:path');
const root = path.join(__dirname, '..');
const { compilerOptions } = require(path.join(root, 'tsconfig.json'));
require('tsconfig-paths').register({ baseUrl: path.join(root, 'dist'), paths: compilerOptions.paths });
const app = process.argv[2];
process.argv.splice(1, 2, path.join(root, 'dist', 'apps', app, 'src', 'main.js'));
require(process.argv[1]);
