/** `npm test` (scripts/test.js) provides DATABASE_URL: the machine's Postgres or an embedded one. */
export default async function globalSetup(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    throw new Error('DATABASE_URL is not set: run the suite with `npm test`, which starts an embedded Postgres when needed');
  }
}
