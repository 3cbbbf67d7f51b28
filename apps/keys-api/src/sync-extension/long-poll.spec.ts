import { LongPollPorts, longPoll } from './long-poll';
import { Round } from './sync-round';

const quiet = (next: number, receivedUpTo?: number): Round => ({
  next: [next],
  inbox: { events: [], receivedUpTo },
  changes: { changed: [], left: [], joinedRooms: [] },
});
const news = (next: number): Round => ({ next: [next], inbox: { events: [], receivedUpTo: 99 }, changes: { changed: ['@b:hs'], left: [], joinedRooms: [] } });

/** Ports on a fake clock; each wait is held until the test ends it (moving the clock as it likes). */
function harness(rereads: Round[]) {
  let clock = 0;
  const calls: string[] = [];
  const waits: { remaining: number; end: () => void }[] = [];
  const ports: LongPollPorts<Round> = {
    now: () => clock,
    acknowledge: async (upTo) => void calls.push(`ack ${upTo}`),
    waitForChange: (round, remaining) => new Promise<void>((resolve) => (calls.push(`wait after ${round.next[0]}`), waits.push({ remaining, end: resolve }))),
    readAgain: async () => (calls.push('read'), rereads.shift()!),
    answer: async (round) => (calls.push(`answer ${round.next[0]}`), round),
  };
  return { ports, calls, waits, advance: (ms: number) => (clock += ms) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('longPoll', () => {
  it('answers at once with something new, after acknowledging what `since` received', async () => {
    const h = harness([]);
    await longPoll(news(5), 1000, true, h.ports);
    expect(h.calls).toEqual(['ack 99', 'answer 5']);
  });

  it('acknowledges once, from the first read only, and waits until a read has something', async () => {
    const h = harness([quiet(6, 50), news(7)]);
    const answered = longPoll(quiet(5, 40), 30_000, true, h.ports);
    await turn();
    expect(h.waits.map((w) => w.remaining)).toEqual([30_000]);
    h.advance(10_000);
    h.waits[0].end();
    await turn();
    expect(h.waits.map((w) => w.remaining)).toEqual([30_000, 20_000]); // the deadline stays where it was
    h.waits[1].end();
    await expect(answered).resolves.toEqual(news(7));
    expect(h.calls).toEqual(['ack 40', 'wait after 5', 'read', 'wait after 6', 'read', 'answer 7']);
  });

  it('answers with nothing new at the deadline', async () => {
    const h = harness([quiet(6)]);
    const answered = longPoll(quiet(5), 1000, false, h.ports);
    await turn();
    h.advance(1000);
    h.waits[0].end();
    await expect(answered).resolves.toEqual(quiet(6));
    expect(h.calls).toEqual(['wait after 5', 'read', 'answer 6']);
  });
});
