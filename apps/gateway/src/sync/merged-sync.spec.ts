import { mergedSync } from './merged-sync';
import { decodeSyncToken, encodeSyncToken } from './sync-token';
import { SyncUpstreams, UpstreamAnswer } from './upstream-answer';

interface Call {
  readonly query: URLSearchParams;
  readonly signal: AbortSignal;
  answer(body: unknown, status?: number): void;
}

/** Both sources held open until the test answers them. */
class HeldUpstreams implements SyncUpstreams {
  readonly hs: Call[] = [];
  readonly ks: Call[] = [];
  homeserver(query: URLSearchParams, signal: AbortSignal) {
    return this.hold(this.hs, query, signal);
  }
  keyserver(query: URLSearchParams, signal: AbortSignal) {
    return this.hold(this.ks, query, signal);
  }
  private hold(calls: Call[], query: URLSearchParams, signal: AbortSignal): Promise<UpstreamAnswer> {
    return new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('aborted')));
      calls.push({ query, signal, answer: (body, status = 200) => resolve({ status, headers: {}, body }) });
    });
  }
}

const turn = () => new Promise((r) => setImmediate(r));
const quiet = (next: string) => ({
  next_batch: next,
  device_lists: { changed: [], left: [] },
  to_device: { events: [] },
  device_one_time_keys_count: { signed_curve25519: 3 },
  device_unused_fallback_key_types: [],
});
const since = encodeSyncToken({ homeserver: 's1', keyserver: 'k1' });

describe('mergedSync', () => {
  it('initial sync: asks both at once without waiting, homeserver params pass through', async () => {
    const up = new HeldUpstreams();
    const result = mergedSync(up, new URLSearchParams('filter=0&full_state=true&set_presence=offline&timeout=30000'));
    await turn();
    expect(up.hs[0].query.toString()).toBe('filter=0&full_state=true&set_presence=offline&timeout=30000');
    expect(up.ks[0].query.toString()).toBe('timeout=0');
    up.hs[0].answer({ next_batch: 's1', rooms: {} });
    up.ks[0].answer({ ...quiet('k1'), device_lists: undefined });
    const answer = await result;
    expect(answer.body).toMatchObject({ rooms: {}, device_one_time_keys_count: { signed_curve25519: 3 } });
    expect((answer.body as Record<string, unknown>).device_lists).toBeUndefined();
    expect(decodeSyncToken((answer.body as { next_batch: string }).next_batch)).toEqual({ homeserver: 's1', keyserver: 'k1' });
  });

  it('long-poll: the homeserver answers first, the key server is asked again at once', async () => {
    const up = new HeldUpstreams();
    const result = mergedSync(up, new URLSearchParams(`since=${since}&timeout=30000`));
    await turn();
    expect(up.hs[0].query.get('since')).toBe('s1');
    expect(up.ks[0].query.toString()).toBe('since=k1&timeout=30000');
    up.hs[0].answer({ next_batch: 's2', rooms: { join: {} } });
    await turn();
    expect(up.ks[0].signal.aborted).toBe(true);
    expect(up.ks[1].query.toString()).toBe('since=k1&timeout=0');
    up.ks[1].answer(quiet('k2'));
    const answer = await result;
    expect(answer.body).toMatchObject({ rooms: { join: {} }, device_lists: { changed: [], left: [] } });
    expect(decodeSyncToken((answer.body as { next_batch: string }).next_batch)).toEqual({ homeserver: 's2', keyserver: 'k2' });
  });

  it('long-poll: the key server has a to-device message first, the homeserver poll is dropped and its position kept', async () => {
    const up = new HeldUpstreams();
    const result = mergedSync(up, new URLSearchParams(`since=${since}&timeout=30000`));
    await turn();
    up.ks[0].answer({ ...quiet('k2'), to_device: { events: [{ sender: '@a:x', type: 't', content: {} }] } });
    const answer = await result;
    expect(up.hs[0].signal.aborted).toBe(true);
    expect(up.hs).toHaveLength(1);
    expect(answer.body).toMatchObject({ to_device: { events: [{ sender: '@a:x', type: 't', content: {} }] } });
    expect(decodeSyncToken((answer.body as { next_batch: string }).next_batch)).toEqual({ homeserver: 's1', keyserver: 'k2' });
  });

  it('long-poll: a key server timing out with nothing waits for the homeserver', async () => {
    const up = new HeldUpstreams();
    const result = mergedSync(up, new URLSearchParams(`since=${since}&timeout=30000`));
    await turn();
    up.ks[0].answer(quiet('k1'));
    await turn();
    expect(up.hs[0].signal.aborted).toBe(false);
    up.hs[0].answer({ next_batch: 's1' });
    const answer = await result;
    expect(decodeSyncToken((answer.body as { next_batch: string }).next_batch)).toEqual({ homeserver: 's1', keyserver: 'k1' });
    expect(up.ks).toHaveLength(1);
  });

  it("answers with the homeserver's error (an unknown token), and drops the other poll", async () => {
    const up = new HeldUpstreams();
    const result = mergedSync(up, new URLSearchParams(`since=${since}&timeout=30000`));
    await turn();
    up.hs[0].answer({ errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token' }, 401);
    expect(await result).toMatchObject({ status: 401, body: { errcode: 'M_UNKNOWN_TOKEN' } });
    expect(up.ks[0].signal.aborted).toBe(true);
  });

  it("answers with the key server's error when it has one and the homeserver is fine", async () => {
    const up = new HeldUpstreams();
    const result = mergedSync(up, new URLSearchParams('timeout=0&since=' + since));
    await turn();
    up.hs[0].answer({ next_batch: 's2' });
    up.ks[0].answer({ errcode: 'M_UNKNOWN', error: 'unavailable' }, 503);
    expect(await result).toMatchObject({ status: 503, body: { errcode: 'M_UNKNOWN' } });
  });

  it('drops both polls when the client goes away', async () => {
    const up = new HeldUpstreams();
    const gone = new AbortController();
    const result = mergedSync(up, new URLSearchParams(`since=${since}&timeout=30000`), gone.signal);
    await turn();
    gone.abort();
    await expect(result).rejects.toThrow('aborted');
    expect([up.hs[0].signal.aborted, up.ks[0].signal.aborted]).toEqual([true, true]);
  });

  it('passes access_token in the query on to both', async () => {
    const up = new HeldUpstreams();
    void mergedSync(up, new URLSearchParams('access_token=tok'));
    await turn();
    expect(up.hs[0].query.get('access_token')).toBe('tok');
    expect(up.ks[0].query.get('access_token')).toBe('tok');
  });
});
