import { MongoClient } from 'mongodb';
import { topicNames } from '@app/contracts';
import { TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { OneTimeKeysDoc, ProjectionBuckets, collectionDigest, oneTimeKeySummary, oneTimeKeysProjection } from '@app/read-models';
import { newDeviceIdentity, signedDeviceKeys, signedFallbackKey, signedOneTimeKeys } from '@app/testing';
import { replayProjection } from '../../apps/cli/src/replay/replay-projection';
import { suiteEnv } from '../helpers/suite-env';
import { startSystem, systemForSuite } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { waitForProjection } from '../helpers/wait-for-projection';
import { expectNoKeyClaimedTwice } from '../helpers/claims';

/**
 * Many claimers in parallel through two API instances against one device with K one-time keys:
 * exactly K distinct keys go out, everyone else gets the fallback key. Then a replay of the
 * one-time-keys projection gives the same remaining pool, order and fallback flags.
 */
describe('claims under concurrency, and replay of the pools', () => {
  // 120 claims of one user at the same moment is the race under test, more than the per-target
  // burst (CLAIM_TARGET_BURST) lets through: limits would answer 429 instead of racing.
  const env = suiteEnv('claims', { RATE_LIMITS: 'off' });
  const mongo = new MongoClient(env.MONGODB_URI!);
  const system = systemForSuite(env, () => startSystem(env, 2), { after: () => mongo.close() });

  it('hands out each of K keys exactly once to 3K parallel claimers; the rest get the fallback key', async () => {
    const K = 40;
    const target = '@popular:test.local';
    const device = newDeviceIdentity(target, 'POP');
    const owner = new MatrixClient(system.apis[0].url, tokenFor(target, 'POP'));
    const ids = Array.from({ length: K }, (_, i) => `key${String(i).padStart(3, '0')}`);
    const fallback = signedFallbackKey(device, 'FALLBACK');
    expect(
      (await owner.upload({ device_keys: signedDeviceKeys(device), one_time_keys: signedOneTimeKeys(device, ids), fallback_keys: fallback })).body,
    ).toEqual({
      one_time_key_counts: { signed_curve25519: K },
    });

    const results = await Promise.all(
      Array.from({ length: 3 * K }, (_, i) =>
        new MatrixClient(system.apis[i % 2].url, tokenFor(`@claimer${i}:test.local`, 'C')).request('POST', '/_matrix/client/v3/keys/claim', {
          one_time_keys: { [target]: { POP: 'signed_curve25519' } },
        }),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const names = results.map((r) => Object.keys(r.body.one_time_keys[target].POP)[0]);
    const oneTime = names.filter((n) => n !== 'signed_curve25519:FALLBACK');
    expect(new Set(oneTime).size).toBe(K);
    expect(oneTime.length).toBe(K);
    expect(names.filter((n) => n === 'signed_curve25519:FALLBACK').length).toBe(2 * K);

    // The pool is empty and the fallback key is used, as the sync extension will report it.
    await waitForProjection(env, 'one-time-keys', 1);
    const db = mongo.db(env.MONGODB_DB);
    const pools = await ProjectionBuckets.forReading<OneTimeKeysDoc>(db, 'one-time-keys', 1);
    expect(await oneTimeKeySummary(pools, target, 'POP')).toEqual({
      device_one_time_keys_count: { signed_curve25519: 0 },
      device_unused_fallback_key_types: [],
    });
  });

  it('rebuilds identical counts and fallback flags on replay', async () => {
    const owner = '@pools:test.local';
    const device = newDeviceIdentity(owner, 'PD');
    const client = new MatrixClient(system.apis[1].url, tokenFor(owner, 'PD'));
    await client.upload({
      device_keys: signedDeviceKeys(device),
      one_time_keys: signedOneTimeKeys(device, ['a1', 'a2', 'a3', 'a4']),
      fallback_keys: signedFallbackKey(device, 'f'),
    });
    const claim = () =>
      new MatrixClient(system.apis[0].url, tokenFor('@c:test.local', 'C')).request('POST', '/_matrix/client/v3/keys/claim', {
        one_time_keys: { [owner]: { PD: 'signed_curve25519' } },
      });
    await claim();
    await claim();
    await waitForProjection(env, 'one-time-keys', 1);

    const db = mongo.db(env.MONGODB_DB);
    const pools = await ProjectionBuckets.forReading<OneTimeKeysDoc>(db, 'one-time-keys', 1);
    expect(await pools.of(owner).findOne({ userId: owner })).toMatchObject({
      counts: [{ algorithm: 'signed_curve25519', count: 2 }],
      fallbackKeys: [{ keyName: 'signed_curve25519:f', used: false }],
    });
    const live = await collectionDigest(pools);

    const kafka = createKafka(kafkaSettingsFromEnv('replay-test', env));
    const admin = new TopicAdmin(kafka);
    const report = await replayProjection({ kafka, admin, db, topics: topicNames(env.KAFKA_TOPIC_PREFIX) }, oneTimeKeysProjection as never, () => undefined);
    await admin.disconnect();
    expect(await collectionDigest(await ProjectionBuckets.forReading(db, 'one-time-keys', report.version))).toEqual(live);
  });

  it('records no one-time key as claimed twice in e2ee.events', async () => {
    expect(await expectNoKeyClaimedTwice(env)).toBeGreaterThan(0);
  });
});
