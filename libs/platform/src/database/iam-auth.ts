import { Signer } from '@aws-sdk/rds-signer';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * RDS IAM database authentication (DATABASE_AUTH=aws-iam): each new connection presents a token
 * signed with the process's AWS credentials (the task or instance role) for the URL's host, port and
 * user, so no database password is stored anywhere. Tokens live 15 minutes; one is signed per
 * connection (signing is local, no network call). RDS accepts them over TLS only, which production
 * requires anyway (sslmode=verify-full).
 */
export function awsIamPasswords(region: string | undefined, credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider): (url: string) => () => Promise<string> {
  return (url: string) => {
    const parsed = new URL(url);
    const signer = new Signer({
      hostname: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 5432,
      username: decodeURIComponent(parsed.username),
      region,
      credentials,
    });
    return () => signer.getAuthToken();
  };
}
