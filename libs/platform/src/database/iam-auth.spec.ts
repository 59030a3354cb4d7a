import { awsIamPasswords } from './iam-auth';

describe('awsIamPasswords (DATABASE_AUTH=aws-iam)', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

  it("signs an RDS connect token for the URL's host, port and user, locally, never with a password from the URL", async () => {
    const token = await awsIamPasswords('eu-central-1', credentials)('postgres://ortholedger_app_login@db.abc.eu-central-1.rds.amazonaws.com:6543/ol?sslmode=verify-full')();
    expect(token.startsWith('db.abc.eu-central-1.rds.amazonaws.com:6543/?')).toBe(true);
    const query = new URLSearchParams(token.slice(token.indexOf('?') + 1));
    expect(query.get('Action')).toBe('connect');
    expect(query.get('DBUser')).toBe('ortholedger_app_login');
    expect(query.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-central-1\/rds-db\/aws4_request$/);
    expect(query.get('X-Amz-Expires')).toBe('900');
    expect(query.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(token).not.toContain(credentials.secretAccessKey);
  });

  it('defaults the port to 5432 and decodes the user name', async () => {
    const token = await awsIamPasswords('eu-west-1', credentials)('postgres://app%2Buser@db.example:/ol')();
    expect(token.startsWith('db.example:5432/?')).toBe(true);
    expect(new URLSearchParams(token.slice(token.indexOf('?') + 1)).get('DBUser')).toBe('app+user');
  });
});
