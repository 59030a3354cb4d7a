#!/usr/bin/env node
// `npm test`: the whole suite against real PostgreSQL. Uses DATABASE_URL when set; otherwise starts
// the embedded Postgres in .data/test (kept between runs, like the development default).
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

async function main() {
  const root = path.resolve(__dirname, '..');
  let embedded;
  const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL || 'silent' };
  if (!env.DATABASE_URL) {
    const { startEmbeddedPostgres } = require(path.join(root, 'dist/libs/platform/src/database/embedded-postgres.js'));
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(root, '.data', 'test'),
      port: Number(env.TEST_EMBEDDED_POSTGRES_PORT || 54339),
      database: 'postgres',
    });
    env.DATABASE_URL = embedded.url;
    console.log('test: DATABASE_URL not set, using the embedded Postgres in .data/test');
  } else {
    console.log('test: using DATABASE_URL');
  }
  const jest = require.resolve('jest/bin/jest');
  const child = spawn(process.execPath, [jest, ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
  const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  // Another suite (a second `npm test`) may share the embedded server: leave it running for them.
  if (embedded) {
    const { otherSessions } = require(path.join(root, 'dist/libs/platform/src/database/embedded-postgres.js'));
    const others = await otherSessions(env.DATABASE_URL).catch(() => 0);
    if (others === 0) await embedded.stop();
  }
  process.exit(code);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
