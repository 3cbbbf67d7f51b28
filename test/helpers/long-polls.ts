import { eventually } from './eventually';

/** The keys-api's `sync_long_polls_waiting` gauge, read from its /metrics. */
async function longPollsWaiting(apiUrl: string): Promise<number> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('sync_long_polls_waiting'));
  return line ? Number(line.split(' ').pop()) : 0;
}

/**
 * Resolves once at least `count` sync long-polls wait for a change on this keys-api: a test that
 * wakes a long-poll starts its write after this, not after a guessed sleep. Fails after 20 s.
 */
export async function longPollWaiting(apiUrl: string, count = 1): Promise<void> {
  const waiting = await eventually(
    () => longPollsWaiting(apiUrl),
    (n) => n >= count,
  );
  if (waiting < count) throw new Error(`no long-poll waiting on ${apiUrl} after 20 s (${waiting} of ${count})`);
}
