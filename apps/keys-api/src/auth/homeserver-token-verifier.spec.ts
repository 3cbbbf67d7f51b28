import { MatrixError } from '@app/matrix';
import { HomeserverTokenVerifier } from './homeserver-token-verifier';

function fakeHomeserver(answers: Record<string, { status: number; body?: unknown }>) {
  const calls: string[] = [];
  const fetchFn = (async (_url: URL, init: RequestInit) => {
    const token = String((init.headers as Record<string, string>).authorization).replace('Bearer ', '');
    calls.push(token);
    const answer = answers[token] ?? { status: 401, body: { errcode: 'M_UNKNOWN_TOKEN' } };
    return new Response(JSON.stringify(answer.body ?? {}), { status: answer.status });
  }) as unknown as typeof fetch;
  return { fetchFn, calls };
}

describe('HomeserverTokenVerifier', () => {
  it('asks whoami once and caches the answer briefly', async () => {
    let now = 0;
    const hs = fakeHomeserver({ good: { status: 200, body: { user_id: '@a:hs.org', device_id: 'D' } } });
    const verifier = new HomeserverTokenVerifier('http://hs', 30_000, hs.fetchFn, () => now);
    await expect(verifier.verify('good')).resolves.toEqual({ userId: '@a:hs.org', deviceId: 'D' });
    await verifier.verify('good');
    expect(hs.calls).toEqual(['good']);
    now = 31_000;
    await verifier.verify('good');
    expect(hs.calls).toEqual(['good', 'good']);
  });

  it('returns null for a token the homeserver does not know', async () => {
    const hs = fakeHomeserver({});
    await expect(new HomeserverTokenVerifier('http://hs', 30_000, hs.fetchFn).verify('bad')).resolves.toBeNull();
  });

  it('turns an unreachable or failing homeserver into 503, not into an unknown token', async () => {
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    await expect(new HomeserverTokenVerifier('http://hs', 1, down).verify('t')).rejects.toMatchObject({ status: 503 });
    const failing = fakeHomeserver({ t: { status: 502 } });
    const err = await new HomeserverTokenVerifier('http://hs', 1, failing.fetchFn).verify('t').catch((e) => e);
    expect(err).toBeInstanceOf(MatrixError);
    expect(err.headers['Retry-After']).toBeDefined();
  });
});
