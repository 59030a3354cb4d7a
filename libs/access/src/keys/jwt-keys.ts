import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { RealmKeyConfig } from '../access.config';
import { readOrCreateSecretFile } from './key-files';

export interface RealmSigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** Parsed once: handing jsonwebtoken a PEM string would re-parse it on every request. */
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
}

/** RFC 7638 thumbprint of the public key: the `kid` every token must carry. */
function thumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' }) as { crv: string; kty: string; x: string; y: string };
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Loads a realm's ES256 key (P-256); the embedded default generates one on first start. */
export function loadRealmSigningKey(config: RealmKeyConfig): RealmSigningKey {
  const pem = readOrCreateSecretFile(
    config.privateKeyFile,
    () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    { mayCreate: !config.provided },
  );
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('JWT signing key must be an EC P-256 private key (ES256)');
  }
  const publicKey = createPublicKey(privateKey);
  return { kid: thumbprint(publicKey), privateKey, publicKey, publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString() };
}
