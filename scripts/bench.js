#!/usr/bin/env node
// `npm run bench [-- --only NAME] [-- --json]`: runs the compiled benches in dist/bench (build first
// with `npm run build`). The harness itself is TypeScript in bench/harness; see bench/README.md.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const harness = path.join(root, 'dist', 'bench', 'harness', 'run-benches.js');
if (!fs.existsSync(harness)) {
  console.error('bench: dist/bench is missing; run `npm run build` first');
  process.exit(1);
}
process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'silent';
require(harness)
  .main(process.argv.slice(2), root)
  .then((code) => process.exit(code))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
