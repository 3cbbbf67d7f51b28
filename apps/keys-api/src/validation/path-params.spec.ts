import { MatrixError } from '@app/matrix';
import { MAX_PATH_PARAM_BYTES, assertPathParams } from './path-params';

const outcome = (params: unknown) => {
  try {
    assertPathParams(params);
    return 'ok';
  } catch (err) {
    return `${(err as MatrixError).status} ${(err as MatrixError).errcode}`;
  }
};

describe('path parameters', () => {
  it('lets ids up to 255 UTF-8 bytes through', () => {
    expect(outcome({ roomId: `!${'r'.repeat(MAX_PATH_PARAM_BYTES - 1)}` })).toBe('ok');
    expect(outcome({})).toBe('ok');
    expect(outcome(undefined)).toBe('ok');
  });

  it('refuses a longer one with 400 M_INVALID_PARAM, counting bytes, not characters', () => {
    expect(outcome({ txnId: 'x'.repeat(2000) })).toBe('400 M_INVALID_PARAM');
    expect(outcome({ roomId: 'é'.repeat(128) })).toBe('400 M_INVALID_PARAM'); // 128 characters, 256 bytes
  });
});
