import { MatrixError } from '@app/matrix';
import { HomeserverTokenVerifier } from './homeserver-token-verifier';

const tick = () => new Promise((resolve) => setImmediate(resolve));

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

  it('asks once for a burst of concurrent requests, so an older answer cannot overwrite a newer one', async () => {
    const held: ((response: Response) => void)[] = [];
    const fetchFn = (() => new Promise<Response>((resolve) => held.push(resolve))) as unknown as typeof fetch;
    const verifier = new HomeserverTokenVerifier('http://hs', 30_000, fetchFn, () => 0);
    const requests = [verifier.verify('t'), verifier.verify('t')];
    await tick();
    // The newest ask learns the token was revoked; an older one, answered later, still saw it valid.
    const [newest, ...older] = [...held].reverse();
    newest(new Response('{}', { status: 401 }));
    await tick();
    for (const answer of older) answer(new Response(JSON.stringify({ user_id: '@a:hs.org' }), { status: 200 }));
    await Promise.all(requests);
    await expect(verifier.verify('t')).resolves.toBeNull();
    expect(held).toHaveLength(1);
  });

  it('keeps the newest answer when asks for one token follow each other', async () => {
    let now = 0;
    const held: ((response: Response) => void)[] = [];
    const fetchFn = (() => new Promise<Response>((resolve) => held.push(resolve))) as unknown as typeof fetch;
    const verifier = new HomeserverTokenVerifier('http://hs', 1_000, fetchFn, () => now);
    const first = verifier.verify('t');
    held[0](new Response(JSON.stringify({ user_id: '@a:hs.org' }), { status: 200 }));
    await expect(first).resolves.toEqual({ userId: '@a:hs.org', deviceId: null });
    now = 2_000; // expired: the next request asks again and learns the token was revoked
    const second = verifier.verify('t');
    await tick();
    held[1](new Response('{}', { status: 401 }));
    await expect(second).resolves.toBeNull();
    await expect(verifier.verify('t')).resolves.toBeNull();
    expect(held).toHaveLength(2);
  });

  it("asks again for a deleted device's token at once, not when its entry expires", async () => {
    const answers: Record<string, { status: number; body?: unknown }> = { t: { status: 200, body: { user_id: '@a:hs.org', device_id: 'D' } } };
    const hs = fakeHomeserver(answers);
    const verifier = new HomeserverTokenVerifier('http://hs', 30_000, hs.fetchFn, () => 0);
    await verifier.verify('t');
    delete answers.t; // logged out at the homeserver
    verifier.forgetDevice('@a:hs.org', 'OTHER');
    await expect(verifier.verify('t')).resolves.toEqual({ userId: '@a:hs.org', deviceId: 'D' }); // another device: still cached
    verifier.forgetDevice('@a:hs.org', 'D');
    await expect(verifier.verify('t')).resolves.toBeNull();
    expect(hs.calls).toEqual(['t', 't']);
  });

  it('does not cache an answer asked for before a deletion and landing after it', async () => {
    const held: ((response: Response) => void)[] = [];
    const fetchFn = (() => new Promise<Response>((resolve) => held.push(resolve))) as unknown as typeof fetch;
    const verifier = new HomeserverTokenVerifier('http://hs', 30_000, fetchFn, () => 0);
    const first = verifier.verify('t');
    await tick();
    verifier.forgetDevice('@a:hs.org', 'D'); // the logout is seen while the ask is out
    held[0](new Response(JSON.stringify({ user_id: '@a:hs.org', device_id: 'D' }), { status: 200 }));
    await first;
    const second = verifier.verify('t');
    await tick();
    expect(held).toHaveLength(2);
    held[1](new Response('{}', { status: 401 }));
    await expect(second).resolves.toBeNull();
  });
});
