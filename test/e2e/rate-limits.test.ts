import { INestApplication } from '@nestjs/common';
import { newDeviceIdentity, signedDeviceKeys, signedOneTimeKeys } from '@app/testing';
import { suiteEnv } from '../helpers/suite-env';
import { RunningApi, cleanUp, startApi, startProcessor, startProjector } from '../helpers/system';
import { HttpResult, MatrixClient, tokenFor } from '../helpers/matrix-client';
import { claimedKeysInLog, expectNoKeyClaimedTwice } from '../helpers/claims';

/**
 * Issue 16: per-user request limits over HTTP. Two keys-api instances on one system with the same
 * tiny limits, one with RATE_LIMITS=off. The claimer limit refills in 250 ms (the one real wait);
 * everything else refills one request per 100 s, so nothing refills while the suite runs.
 */
describe('request limits', () => {
  const env = suiteEnv('rate-limits', {
    CLAIM_BURST: '2',
    CLAIM_RATE_PER_SECOND: '4',
    CLAIM_TARGET_BURST: '3',
    CLAIM_TARGET_RATE_PER_SECOND: '0.01',
    TO_DEVICE_BURST: '2',
    TO_DEVICE_RATE_PER_SECOND: '0.01',
    QUERY_BURST: '2',
    QUERY_RATE_PER_SECOND: '0.01',
  });
  let processor: INestApplication;
  let projector: INestApplication;
  let limited: RunningApi;
  let unlimited: RunningApi;

  beforeAll(async () => {
    processor = await startProcessor(env);
    projector = await startProjector(env);
    limited = await startApi(env);
    unlimited = await startApi(env, { RATE_LIMITS: 'off' });
  });
  afterAll(async () => {
    for (const app of [limited?.app, unlimited?.app, processor, projector]) await app?.close();
    await cleanUp(env);
  });

  const as = (api: RunningApi, user: string, device = 'DEV') => new MatrixClient(api.url, tokenFor(user, device));
  const claim = (api: RunningApi, claimer: string, targets: string[], version = 'v3') =>
    as(api, claimer).request('POST', `/_matrix/client/${version}/keys/claim`, {
      one_time_keys: Object.fromEntries(targets.map((t) => [t, { DEV: 'signed_curve25519' }])),
    });
  const keyOf = (result: HttpResult, target: string) => Object.keys(result.body.one_time_keys[target]?.DEV ?? {})[0];

  /** A user whose device DEV uploaded one-time keys `<name>1`, `<name>2`, ... (handed out in that order). */
  async function target(name: string, keys = 3): Promise<string> {
    const userId = `@${name}:test.local`;
    const device = newDeviceIdentity(userId, 'DEV');
    const ids = Array.from({ length: keys }, (_, i) => `${name}${i + 1}`);
    const uploaded = await as(limited, userId).upload({ device_keys: signedDeviceKeys(device), one_time_keys: signedOneTimeKeys(device, ids) });
    expect(uploaded.body).toEqual({ one_time_key_counts: { signed_curve25519: keys } });
    return userId;
  }

  function expectLimited(result: HttpResult, maxWaitMs: number): number {
    expect(result).toMatchObject({ status: 429, body: { errcode: 'M_LIMIT_EXCEEDED', error: expect.any(String), retry_after_ms: expect.any(Number) } });
    const wait = result.body.retry_after_ms as number;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(maxWaitMs);
    expect(result.headers.get('retry-after')).toBe(String(Math.ceil(wait / 1000)));
    return wait;
  }

  it('refuses a claimer beyond its burst on every path version, takes no key for it, and admits it again after retry_after_ms', async () => {
    const targets = await Promise.all(['ta', 'tb', 'tc', 'td', 'te', 'tf'].map((n) => target(n)));
    const versions = ['v3', 'r0', 'unstable'];
    // At once: a burst of 2, and 4 requests a second come back; six arriving together cannot all pass.
    const results = await Promise.all(targets.map((t, i) => claim(limited, '@drainer:test.local', [t], versions[i % 3])));
    const admitted = results.filter((r) => r.status === 200);
    const refused = results.flatMap((r, i) => (r.status === 200 ? [] : [{ result: r, target: targets[i] }]));
    expect(admitted.length).toBeGreaterThanOrEqual(2);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    const waits = refused.map(({ result }) => expectLimited(result, 250));

    // Nothing of a refused claim was handed out: its target still has its first key.
    const inLog = await claimedKeysInLog(env);
    for (const { target: t } of refused) expect(inLog.filter((k) => k.startsWith(`${t}|`))).toEqual([]);
    for (const { target: t } of refused) expect(keyOf(await claim(unlimited, '@checker:test.local', [t]), t)).toBe(`signed_curve25519:${t.slice(1, 3)}1`);

    await new Promise((resolve) => setTimeout(resolve, Math.max(...waits)));
    const again = await claim(limited, '@drainer:test.local', [targets[0]]);
    expect(again.status).toBe(200);
    expect(keyOf(again, targets[0])).toMatch(/^signed_curve25519:ta\d$/);
  });

  it('limits claims of one user across claimers, and a refused request claims none of its users', async () => {
    const victim = await target('victim', 5);
    const bystander = await target('bystander');
    for (let i = 1; i <= 3; i++) expect(keyOf(await claim(limited, `@claimer${i}:test.local`, [victim]), victim)).toBe(`signed_curve25519:victim${i}`);
    const refused = await claim(limited, '@claimer4:test.local', [bystander, victim]); // a fresh claimer: its own limit is not the reason
    expectLimited(refused, 100_000);

    expect((await claimedKeysInLog(env)).filter((k) => k.startsWith(`${victim}|`) || k.startsWith(`${bystander}|`))).toEqual(
      [1, 2, 3].map((i) => `${victim}|DEV|signed_curve25519:victim${i}`),
    );
    const later = await claim(unlimited, '@claimer4:test.local', [bystander, victim]);
    expect([keyOf(later, victim), keyOf(later, bystander)]).toEqual(['signed_curve25519:victim4', 'signed_curve25519:bystander1']);
  });

  it('limits /sendToDevice per sender, and queues nothing of a refused request', async () => {
    const recipient = '@inbox:test.local';
    const receiver = as(limited, recipient, 'R');
    expect((await receiver.upload({ device_keys: signedDeviceKeys(newDeviceIdentity(recipient, 'R')) })).status).toBe(200);
    const send = (api: RunningApi, n: number) =>
      as(api, '@chatty:test.local').request('PUT', `/_matrix/client/v3/sendToDevice/org.example.test/t${n}`, { messages: { [recipient]: { R: { n } } } });
    expect((await send(limited, 1)).status).toBe(200);
    expect((await send(limited, 2)).status).toBe(200);
    expectLimited(await send(limited, 3), 100_000);
    for (const n of [4, 5, 6]) expect((await send(unlimited, n)).status).toBe(200);

    const synced = await receiver.request('GET', '/_keyserver/v1/sync');
    expect(synced.status).toBe(200);
    expect(synced.body.to_device.events.map((e: { content: { n: number } }) => e.content.n)).toEqual([1, 2, 4, 5, 6]);
  });

  it('limits /keys/query per requester, independently of other requesters', async () => {
    const query = (api: RunningApi, user: string) => as(api, user).query({ device_keys: { '@inbox:test.local': [] } });
    expect((await query(limited, '@curious:test.local')).status).toBe(200);
    expect((await query(limited, '@curious:test.local')).status).toBe(200);
    expectLimited(await query(limited, '@curious:test.local'), 100_000);
    expect((await query(limited, '@someone-else:test.local')).status).toBe(200);
  });

  it('limits nothing with RATE_LIMITS=off', async () => {
    const popular = await target('popular', 8);
    for (let i = 1; i <= 8; i++) expect(keyOf(await claim(unlimited, '@greedy:test.local', [popular]), popular)).toBe(`signed_curve25519:popular${i}`);
    for (let i = 0; i < 8; i++) {
      expect(
        (
          await as(unlimited, '@greedy:test.local').request('PUT', `/_matrix/client/v3/sendToDevice/org.example.test/g${i}`, {
            messages: { [popular]: { DEV: { i } } },
          })
        ).status,
      ).toBe(200);
      expect((await as(unlimited, '@greedy:test.local').query({ device_keys: { [popular]: [] } })).status).toBe(200);
    }
  });

  it('records no one-time key as claimed twice in e2ee.events', async () => {
    expect(await expectNoKeyClaimedTwice(env)).toBeGreaterThan(0);
  });
});
