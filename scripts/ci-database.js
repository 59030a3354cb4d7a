#!/usr/bin/env node
// CI helper: when the machine's PostgreSQL answers on 127.0.0.1:5432, create a fresh database for
// this run and print its URL; print nothing otherwise (the suite then uses the embedded Postgres).
'use strict';
const pg = require('pg');

async function main() {
  const server = process.env.CI_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: server, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } catch {
    return;
  }
  try {
    const name = `ol_ci_${Date.now()}_${process.pid}`;
    await client.query(`create database ${name}`);
    const url = new URL(server);
    url.pathname = `/${name}`;
    process.stdout.write(url.toString());
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  process.stderr.write(`ci-database: ${error.message}\n`);
  process.exit(1);
});
