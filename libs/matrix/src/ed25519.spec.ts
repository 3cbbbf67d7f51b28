import { generateKeyPairSync, sign } from 'node:crypto';
import { encodeUnpaddedBase64 } from './base64';
import { signedBytes, verifyObjectSignature } from './ed25519';

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicBase64: encodeUnpaddedBase64(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url')) };
}

describe('verifyObjectSignature', () => {
  const { privateKey, publicBase64 } = keyPair();
  const object = { user_id: '@a:x', keys: { 'ed25519:D': publicBase64 }, unsigned: { ignored: true } };
  const signature = encodeUnpaddedBase64(sign(null, signedBytes(object), privateKey));
  const signed = { ...object, signatures: { '@a:x': { 'ed25519:D': signature } } };

  it('accepts a signature over the canonical JSON without signatures and unsigned', () => {
    expect(verifyObjectSignature(signed, '@a:x', 'ed25519:D', publicBase64)).toBe(true);
    expect(verifyObjectSignature({ ...signed, unsigned: { other: 1 } }, '@a:x', 'ed25519:D', publicBase64)).toBe(true);
  });

  it('rejects a changed object, another key, a missing or malformed signature', () => {
    expect(verifyObjectSignature({ ...signed, user_id: '@b:x' }, '@a:x', 'ed25519:D', publicBase64)).toBe(false);
    expect(verifyObjectSignature(signed, '@a:x', 'ed25519:D', keyPair().publicBase64)).toBe(false);
    expect(verifyObjectSignature(signed, '@a:x', 'ed25519:E', publicBase64)).toBe(false);
    expect(verifyObjectSignature({ ...signed, signatures: { '@a:x': { 'ed25519:D': 'not base64!' } } }, '@a:x', 'ed25519:D', publicBase64)).toBe(false);
    expect(verifyObjectSignature(signed, '@a:x', 'ed25519:D', 'short')).toBe(false);
  });
});
