import { signatureFailureErrcode } from './rejection-errors';

describe('signature failures become Matrix errcodes at the edge', () => {
  it.each([
    ['SIGNED_OBJECT_MISMATCH', 'M_INVALID_PARAM'],
    ['INVALID_SIGNATURE', 'M_INVALID_SIGNATURE'],
    ['UNKNOWN_KEY', 'M_NOT_FOUND'],
  ] as const)('%s -> %s', (code, errcode) => {
    expect(signatureFailureErrcode(code)).toBe(errcode);
  });
});
