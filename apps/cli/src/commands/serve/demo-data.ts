/**
 * The demo clinic and users of `npm start` (well-known emails, one-time passwords on stdout) belong
 * to the embedded default only: never in production, never in a database of its own (DATABASE_URL),
 * and not when DEMO_DATA=off.
 */
export function demoDataWanted(runtime: { readonly embedded: boolean; readonly config: { readonly production: boolean } }, env: NodeJS.ProcessEnv = process.env): boolean {
  return runtime.embedded && !runtime.config.production && env.DEMO_DATA !== 'off';
}
