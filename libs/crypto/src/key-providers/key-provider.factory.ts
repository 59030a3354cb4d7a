import { CryptoConfigError } from '../errors';
import { AwsKmsKeyProvider } from './aws-kms-key-provider';
import type { KeyProvider } from './key-provider.port';
import { LocalKeyProvider } from './local-key-provider';

/** Plain options (structurally a subset of the platform's AppConfig; this lib does not import platform). */
export interface KeyProviderSettings {
  keyProvider: 'local' | 'aws-kms';
  localMasterKeyFile?: string;
  awsKmsKeyId?: string;
  awsKmsPreviousKeyIds?: readonly string[];
  awsRegion?: string;
  production?: boolean;
  kmsTimeoutMs?: number;
  kmsMaxAttempts?: number;
}

export function createKeyProvider(settings: KeyProviderSettings): KeyProvider {
  switch (settings.keyProvider) {
    case 'local':
      if (!settings.localMasterKeyFile) throw new CryptoConfigError('LOCAL_MASTER_KEY_FILE is required for the local key provider');
      return new LocalKeyProvider({ file: settings.localMasterKeyFile, production: settings.production });
    case 'aws-kms':
      return new AwsKmsKeyProvider({
        keyId: settings.awsKmsKeyId ?? '',
        previousKeyIds: settings.awsKmsPreviousKeyIds,
        region: settings.awsRegion,
        timeoutMs: settings.kmsTimeoutMs,
        maxAttempts: settings.kmsMaxAttempts,
      });
    default: {
      const never: never = settings.keyProvider;
      throw new CryptoConfigError(`Unknown key provider ${String(never)}`);
    }
  }
}
