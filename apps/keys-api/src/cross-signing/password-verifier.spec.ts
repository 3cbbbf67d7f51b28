import { MatrixError } from '@app/matrix';
import { HomeserverPasswordVerifier } from './password-verifier';

/** A homeserver answering the login and logout calls from a script; records what it was asked. */
function homeserver(login: { status: number; body?: unknown }, logouts: (number | Error)[]) {
  const calls: string[] = [];
  const fetchFn = (async (url: URL) => {
    calls.push(url.pathname);
    if (url.pathname.endsWith('/login')) return new Response(JSON.stringify(login.body ?? {}), { status: login.status });
    const next = logouts.shift() ?? 200;
    if (next instanceof Error) throw next;
    return new Response('{}', { status: next });
  }) as unknown as typeof fetch;
  return { fetchFn, calls };
}

const noPause = async () => undefined;

describe('HomeserverPasswordVerifier', () => {
  it('a right password: logs the check session out again', async () => {
    const hs = homeserver({ status: 200, body: { access_token: 't' } }, [200]);
    expect(await new HomeserverPasswordVerifier('http://hs', hs.fetchFn, undefined, noPause).verify('@u:x', 'pw')).toBe(true);
    expect(hs.calls).toEqual(['/_matrix/client/v3/login', '/_matrix/client/v3/logout']);
  });

  it('a wrong password is false; a homeserver 5xx or 429 is not a wrong password', async () => {
    expect(await new HomeserverPasswordVerifier('http://hs', homeserver({ status: 403 }, []).fetchFn).verify('@u:x', 'pw')).toBe(false);
    const down = new HomeserverPasswordVerifier('http://hs', homeserver({ status: 502 }, []).fetchFn).verify('@u:x', 'pw');
    await expect(down).rejects.toMatchObject({ status: 503, errcode: 'M_UNKNOWN', headers: { 'Retry-After': '1' } });
    const limited = new HomeserverPasswordVerifier('http://hs', homeserver({ status: 429, body: { retry_after_ms: 2500 } }, []).fetchFn).verify('@u:x', 'pw');
    await expect(limited).rejects.toBeInstanceOf(MatrixError);
    await expect(limited).rejects.toMatchObject({ status: 429, errcode: 'M_LIMIT_EXCEEDED', extra: { retry_after_ms: 2500 } });
  });

  it('retries a failed logout, and reports the session it could not end', async () => {
    const failed: string[] = [];
    const flaky = homeserver({ status: 200, body: { access_token: 't' } }, [500, new Error('reset'), 200]);
    expect(await new HomeserverPasswordVerifier('http://hs', flaky.fetchFn, (u, r) => failed.push(`${u} ${r}`), noPause).verify('@u:x', 'pw')).toBe(true);
    expect(flaky.calls.filter((c) => c.endsWith('/logout'))).toHaveLength(3);
    expect(failed).toEqual([]);

    const broken = homeserver({ status: 200, body: { access_token: 't' } }, [500, 500, 500]);
    expect(await new HomeserverPasswordVerifier('http://hs', broken.fetchFn, (u, r) => failed.push(`${u} ${r}`), noPause).verify('@u:x', 'pw')).toBe(true);
    expect(failed).toEqual(['@u:x logout answered 500']);
  });
});
