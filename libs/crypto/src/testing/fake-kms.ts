import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  InvalidCiphertextException,
  KMSClient,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { canonicalBytes } from '../canonical-json';

export const KEY_ARN = 'arn:aws:kms:eu-central-1:111122223333:key/0f0e0d0c-1111-4222-8333-444455556666';
export const KEY_ALIAS = 'alias/ortholedger-test';

/**
 * A KMS stand-in behind aws-sdk-client-mock that behaves like the real service where it matters:
 * a blob opens only under the key and encryption context it was made with.
 */
export function fakeKms(arn = KEY_ARN) {
  const client = new KMSClient({ region: 'eu-central-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const mock = mockClient(client);
  const master = randomBytes(32);
  const seal = (plain: Uint8Array, context: Record<string, string> | undefined) => {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', master, nonce);
    cipher.setAAD(canonicalBytes({ arn, context }));
    return Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  };
  const open = (blob: Uint8Array, context: Record<string, string> | undefined) => {
    const b = Buffer.from(blob);
    try {
      const d = createDecipheriv('aes-256-gcm', master, b.subarray(0, 12));
      d.setAAD(canonicalBytes({ arn, context }));
      d.setAuthTag(b.subarray(b.length - 16));
      return Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]);
    } catch {
      throw new InvalidCiphertextException({ message: 'invalid ciphertext', $metadata: { httpStatusCode: 400 } });
    }
  };
  const healthy = () => {
    mock.reset();
    mock.on(GenerateDataKeyCommand).callsFake((input) => {
      const plain = randomBytes(32);
      return { Plaintext: new Uint8Array(plain), CiphertextBlob: seal(plain, input.EncryptionContext), KeyId: arn };
    });
    mock.on(DecryptCommand).callsFake((input) => ({ Plaintext: new Uint8Array(open(input.CiphertextBlob, input.EncryptionContext)), KeyId: arn }));
    mock.on(ReEncryptCommand).callsFake((input) => ({
      CiphertextBlob: seal(open(input.CiphertextBlob, input.SourceEncryptionContext), input.DestinationEncryptionContext),
      KeyId: arn,
      SourceKeyId: arn,
    }));
    mock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: arn.split('/')[1], Arn: arn } });
  };
  healthy();
  return { client, mock, healthy };
}

/** An SDK-shaped service error, as the SDK deserialises it. */
export function awsError(name: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(`${name} (test)`), { name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });
}
