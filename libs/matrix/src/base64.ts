const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Matrix uses unpadded standard base64; padded input is accepted too. */
export function decodeUnpaddedBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text) || text.length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64');
}

export function encodeUnpaddedBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}
