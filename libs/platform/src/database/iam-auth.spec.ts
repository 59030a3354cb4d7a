import { awsIamPasswords } from './iam-auth';

describe('awsIamPasswords (DATABASE_AUTH=aws-iam)', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

  it("signs an RDS connect token for the connection's host, port and user, locally", async () => {
    const token = await awsIamPasswords('eu-central-1', credentials)({ host: 'db.abc.eu-central-1.rds.amazonaws.com', port: 6543, user: 'ortholedger_app_login' })();
    expect(token.startsWith('db.abc.eu-central-1.rds.amazonaws.com:6543/?')).toBe(true);
    const query = new URLSearchParams(token.slice(token.indexOf('?') + 1));
    expect(query.get('Action')).toBe('connect');
    expect(query.get('DBUser')).toBe('ortholedger_app_login');
    expect(query.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-central-1\/rds-db\/aws4_request$/);
    expect(query.get('X-Amz-Expires')).toBe('900');
    expect(query.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(token).not.toContain(credentials.secretAccessKey);
  });

  it('signs for the user name as given (decoded from the URL by the pool)', async () => {
    const token = await awsIamPasswords('eu-west-1', credentials)({ host: 'db.example', port: 5432, user: 'app+user' })();
    expect(token.startsWith('db.example:5432/?')).toBe(true);
    expect(new URLSearchParams(token.slice(token.indexOf('?') + 1)).get('DBUser')).toBe('app+user');
  });
});
