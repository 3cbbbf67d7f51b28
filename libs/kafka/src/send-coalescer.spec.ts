import { SendCoalescer } from './send-coalescer';

/** A sender whose requests complete only when the test says so. */
function heldSender() {
  const requests: { items: readonly string[]; complete: () => void; fail: (err: Error) => void }[] = [];
  const sendMany = (items: readonly string[]) =>
    new Promise<readonly string[]>((resolve, reject) => {
      requests.push({ items, complete: () => resolve(items.map((i) => `sent:${i}`)), fail: reject });
    });
  return { requests, sendMany };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('SendCoalescer', () => {
  it('sends calls made while a request is in flight together, in call order, and answers each its own results', async () => {
    const { requests, sendMany } = heldSender();
    const coalescer = new SendCoalescer(sendMany, (s: string) => s.length, 1000);
    const first = coalescer.send(['a']);
    await flush();
    const second = coalescer.send(['b', 'c']);
    const third = coalescer.send(['d']);
    await flush();
    expect(requests.map((r) => r.items)).toEqual([['a']]); // one request at a time

    requests[0].complete();
    expect(await first).toEqual(['sent:a']);
    await flush();
    expect(requests.map((r) => r.items)).toEqual([['a'], ['b', 'c', 'd']]);
    requests[1].complete();
    expect(await second).toEqual(['sent:b', 'sent:c']);
    expect(await third).toEqual(['sent:d']);
  });

  it('keeps a request under the size limit, but never splits a call', async () => {
    const { requests, sendMany } = heldSender();
    const coalescer = new SendCoalescer(sendMany, (s: string) => s.length, 5);
    const calls = [coalescer.send(['xx']), coalescer.send(['yy']), coalescer.send(['z']), coalescer.send(['zzzzzz']), coalescer.send(['w'])];
    for (let i = 0; i < 4; i++) {
      await flush();
      requests[i].complete();
    }
    await Promise.all(calls);
    expect(requests.map((r) => r.items)).toEqual([['xx'], ['yy', 'z'], ['zzzzzz'], ['w']]);
  });

  it('retries each call of a failed shared request alone, so only the caller whose message fails sees the error', async () => {
    const { requests, sendMany } = heldSender();
    const coalescer = new SendCoalescer(sendMany, () => 1, 100);
    const first = coalescer.send(['a']);
    await flush();
    const good = coalescer.send(['ok']);
    const bad = coalescer.send(['bad']);
    requests[0].complete();
    await first;
    await flush();
    expect(requests[1].items).toEqual(['ok', 'bad']);
    requests[1].fail(new Error('message too large'));
    await flush();
    expect(requests[2].items).toEqual(['ok']);
    requests[2].complete();
    await flush();
    expect(requests[3].items).toEqual(['bad']);
    requests[3].fail(new Error('message too large'));
    expect(await good).toEqual(['sent:ok']);
    await expect(bad).rejects.toThrow('message too large');
  });

  it('answers an empty call at once without a request', async () => {
    const { requests, sendMany } = heldSender();
    const coalescer = new SendCoalescer(sendMany, () => 1, 100);
    expect(await coalescer.send([])).toEqual([]);
    expect(requests).toHaveLength(0);
  });
});
