import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  KMSClient,
  KMSInvalidStateException,
  NotFoundException,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { canonicalBytes } from '../canonical-json';

export const KEY_ARN = 'arn:aws:kms:eu-central-1:111122223333:key/0f0e0d0c-1111-4222-8333-444455556666';
/** A second key of the account, for rotations (the alias moves to it). */
export const KEY_ARN_2 = 'arn:aws:kms:eu-central-1:111122223333:key/1a2b3c4d-5555-4666-8777-888899990000';
export const KEY_ALIAS = 'alias/ortholedger-test';

const meta = { $metadata: { httpStatusCode: 400 } };

/**
 * A KMS stand-in behind aws-sdk-client-mock that behaves like the real service where it matters:
 * a blob names the key that made it and opens only under that key and its encryption context; a
 * KeyId or SourceKeyId naming another key is IncorrectKeyException; the alias can be moved and a
 * key scheduled for deletion (KMSInvalidStateException).
 */
export function fakeKms(arn = KEY_ARN) {
  const client = new KMSClient({ region: 'eu-central-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const mock = mockClient(client);
  const keys: { arn: string; master: Buffer; pendingDeletion?: boolean }[] = [{ arn, master: randomBytes(32) }];
  const aliases = new Map([[KEY_ALIAS, arn]]);
  const resolve = (keyId: string | undefined) => {
    const target = keyId && (aliases.get(keyId) ?? keys.find((k) => k.arn === keyId || k.arn.endsWith(`/${keyId}`))?.arn);
    const key = keys.find((k) => k.arn === target);
    if (!key) throw new NotFoundException({ message: 'key not found', ...meta });
    if (key.pendingDeletion) throw new KMSInvalidStateException({ message: 'key is pending deletion', ...meta });
    return key;
  };
  // Blob: [key index][nonce 12][ciphertext][tag 16], the key's ARN and the context as AAD.
  const seal = (keyId: string | undefined, plain: Uint8Array, context: Record<string, string> | undefined) => {
    const key = resolve(keyId);
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.master, nonce);
    cipher.setAAD(canonicalBytes({ arn: key.arn, context }));
    return { arn: key.arn, blob: Buffer.concat([Buffer.of(keys.indexOf(key)), nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]) };
  };
  const open = (keyId: string | undefined, blob: Uint8Array, context: Record<string, string> | undefined) => {
    const b = Buffer.from(blob);
    const owner = keys[b[0]];
    if (!owner) throw new InvalidCiphertextException({ message: 'invalid ciphertext', ...meta });
    if (keyId !== undefined && resolve(keyId) !== owner) throw new IncorrectKeyException({ message: 'incorrect key', ...meta });
    const key = resolve(owner.arn);
    try {
      const d = createDecipheriv('aes-256-gcm', key.master, b.subarray(1, 13));
      d.setAAD(canonicalBytes({ arn: key.arn, context }));
      d.setAuthTag(b.subarray(b.length - 16));
      return { arn: key.arn, plain: Buffer.concat([d.update(b.subarray(13, b.length - 16)), d.final()]) };
    } catch {
      throw new InvalidCiphertextException({ message: 'invalid ciphertext', ...meta });
    }
  };
  const healthy = () => {
    mock.reset();
    mock.on(GenerateDataKeyCommand).callsFake((input) => {
      const plain = randomBytes(32);
      const sealed = seal(input.KeyId, plain, input.EncryptionContext);
      return { Plaintext: new Uint8Array(plain), CiphertextBlob: sealed.blob, KeyId: sealed.arn };
    });
    mock.on(DecryptCommand).callsFake((input) => {
      const opened = open(input.KeyId, input.CiphertextBlob, input.EncryptionContext);
      return { Plaintext: new Uint8Array(opened.plain), KeyId: opened.arn };
    });
    mock.on(ReEncryptCommand).callsFake((input) => {
      const opened = open(input.SourceKeyId, input.CiphertextBlob, input.SourceEncryptionContext);
      const sealed = seal(input.DestinationKeyId, opened.plain, input.DestinationEncryptionContext);
      return { CiphertextBlob: sealed.blob, KeyId: sealed.arn, SourceKeyId: opened.arn };
    });
    mock.on(DescribeKeyCommand).callsFake((input) => {
      const key = resolve(input.KeyId);
      return { KeyMetadata: { KeyId: key.arn.split('/')[1], Arn: key.arn } };
    });
  };
  healthy();
  return {
    client,
    mock,
    healthy,
    /** Creates another key in the account. */
    addKey(newArn: string) {
      if (!keys.some((k) => k.arn === newArn)) keys.push({ arn: newArn, master: randomBytes(32) });
    },
    moveAlias(alias: string, target: string) {
      aliases.set(alias, target);
    },
    /** Pending deletion refuses every use of the key; `false` cancels it. */
    scheduleDeletion(target: string, pending = true) {
      const key = keys.find((k) => k.arn === target);
      if (key) key.pendingDeletion = pending;
    },
  };
}

/** An SDK-shaped service error, as the SDK deserialises it. */
export function awsError(name: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(`${name} (test)`), { name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });
}
