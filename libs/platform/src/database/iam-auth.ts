import { Signer } from '@aws-sdk/rds-signer';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { PasswordTarget } from './database';

/**
 * RDS IAM database authentication (DATABASE_AUTH=aws-iam): each new connection presents a token
 * signed with the process's AWS credentials (the task or instance role) for the host, port and user
 * the connection goes to (parsed from the URL as pg parses it: createDatabasePools), so no database password is stored anywhere. Tokens live 15 minutes; one is signed per
 * connection (signing is local, no network call). RDS accepts them over TLS only, which production
 * requires anyway (sslmode=verify-full).
 */
export function awsIamPasswords(region: string | undefined, credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider): (target: PasswordTarget) => () => Promise<string> {
  return ({ host, port, user }: PasswordTarget) => {
    const signer = new Signer({ hostname: host, port, username: user, region, credentials });
    return () => signer.getAuthToken();
  };
}
