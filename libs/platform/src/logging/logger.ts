import pino, { type Logger } from 'pino';

/**
 * Paths never logged. Bodies are not logged at all; these catch anything that slips into a log
 * object (credentials, tokens, and the PHI fields of the domain).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-refresh-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.totp',
  '*.code',
  '*.recoveryCode',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.secret',
  '*.name',
  '*.givenName',
  '*.familyName',
  '*.dateOfBirth',
  '*.email',
  '*.phone',
  '*.address',
  '*.chartNumber',
  '*.notes',
  '*.diagnosis',
  '*.query',
  'body',
  'req.body',
];

/** URLs carry UUIDs only, but a query string could carry search input: it is never logged. */
export function pathOnly(url: string | undefined): string | undefined {
  if (!url) return url;
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?[redacted]`;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'ortholedger' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
