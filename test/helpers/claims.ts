import { readEvents } from './log-reader';

/** Every one-time key handed out, as recorded in e2ee.events: `user|device|key name`. */
export async function claimedKeysInLog(env: NodeJS.ProcessEnv): Promise<string[]> {
  return (await readEvents(env)).flatMap((e) => (e.type === 'OneTimeKeyClaimed' ? [`${e.data.userId}|${e.data.deviceId}|${e.data.keyName}`] : []));
}

/** The promise the server exists for: no (user, device, key id) is claimed twice in the log. */
export async function expectNoKeyClaimedTwice(env: NodeJS.ProcessEnv): Promise<number> {
  const claimed = await claimedKeysInLog(env);
  const seen = new Set<string>();
  const twice = claimed.filter((k) => seen.has(k) || !seen.add(k));
  expect(twice).toEqual([]);
  return claimed.length;
}
