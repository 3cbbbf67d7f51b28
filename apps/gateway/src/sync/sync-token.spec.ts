import fc from 'fast-check';
import { decodeSyncToken, encodeSyncToken } from './sync-token';

describe('merged sync token', () => {
  it('round-trips both positions, whatever characters they hold', () => {
    fc.assert(
      fc.property(fc.option(fc.string({ minLength: 1 }), { nil: null }), fc.option(fc.string({ minLength: 1 }), { nil: null }), (homeserver, keyserver) => {
        const token = encodeSyncToken({ homeserver, keyserver });
        expect(token).toMatch(/^gw1\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/);
        expect(decodeSyncToken(token)).toEqual({ homeserver, keyserver });
      }),
    );
  });

  it('reads no token as an initial sync', () => {
    expect(decodeSyncToken(undefined)).toEqual({ homeserver: null, keyserver: null });
    expect(decodeSyncToken('')).toEqual({ homeserver: null, keyserver: null });
  });

  it("treats a token it did not make as the homeserver's", () => {
    expect(decodeSyncToken('s72594_4483_1934')).toEqual({ homeserver: 's72594_4483_1934', keyserver: null });
    expect(decodeSyncToken('gw1.a.b.c')).toEqual({ homeserver: 'gw1.a.b.c', keyserver: null });
    expect(decodeSyncToken('gw1.a+b.c')).toEqual({ homeserver: 'gw1.a+b.c', keyserver: null });
  });
});
