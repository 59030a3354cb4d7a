import { KeyAccessDenied, KeyProviderThrottled, KeyProviderUnavailable, KeyUnwrapFailed, type CryptoError } from '../errors';
import type { KeyContext } from './key-provider.port';

const THROTTLED = new Set(['ThrottlingException', 'LimitExceededException', 'TooManyRequestsException', 'RequestLimitExceeded']);
const DENIED = new Set([
  'AccessDeniedException',
  'DisabledException',
  'NotFoundException',
  'KMSInvalidStateException',
  'InvalidKeyUsageException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
]);
// Refusals for access or key state (a disabled key, one pending deletion, missing permission) are
// KeyAccessDenied above, never an unwrap failure. Only these mean the stored row is wrong: the blob or
// its context does not authenticate, or the blob is not under the key ref stored beside it.
const UNWRAP = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);

/**
 * Maps an SDK error to a typed error carrying only the operation and the AWS error name (never
 * the request, which holds wrapped keys and context). Anything unknown fails closed as unavailable.
 */
export function mapKmsError(error: unknown, operation: string, context?: KeyContext): CryptoError {
  const name = (error as { name?: string })?.name ?? 'UnknownError';
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (THROTTLED.has(name) || status === 429) return new KeyProviderThrottled(operation, name);
  if (DENIED.has(name)) return new KeyAccessDenied(operation, name);
  if (UNWRAP.has(name) && context) return new KeyUnwrapFailed(context.stream, context.purpose, name);
  return new KeyProviderUnavailable(operation, name);
}
