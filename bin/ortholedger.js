#!/usr/bin/env node
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const entry = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('ortholedger is not built yet: run `npm run build` (npm install does it too)\n');
  process.exit(1);
}
require(entry);
