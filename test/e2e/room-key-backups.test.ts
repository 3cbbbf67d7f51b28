import { MongoClient } from 'mongodb';
import { topicNames } from '@app/contracts';
import { TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { backupsProjection, collectionDigest, collectionName } from '@app/read-models';
import { replayProjection } from '../../apps/cli/src/replay/replay-projection';
import { settle } from '../helpers/settle';
import { readEvents } from '../helpers/log-reader';
import { suiteEnv } from '../helpers/suite-env';
import { startSystem, systemForSuite } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';

/** Server-side room-key backups over HTTP: versions, keep-or-replace, etags, writes to the current version only. */
describe('room-key backups', () => {
  const env = suiteEnv('backups');
  const system = systemForSuite(env, () => startSystem(env, 2));

  const ALG = 'm.megolm_backup.v1.curve25519-aes-sha2';
  const as = (user: string, instance = 0) => new MatrixClient(system.apis[instance].url, tokenFor(user, 'DEV'));
  const key = (firstMessageIndex: number, isVerified = false, forwardedCount = 0, tag = 'x') => ({
    first_message_index: firstMessageIndex,
    forwarded_count: forwardedCount,
    is_verified: isVerified,
    session_data: { ephemeral: tag, ciphertext: `c-${tag}`, mac: 'm', nested: { n: [1, 2] } },
  });
  const v3 = (path: string) => `/_matrix/client/v3/room_keys/${path}`;

  it('versions: create, read current and by id, update auth_data only, delete (current falls back), never reuse ids', async () => {
    const c = as('@v:test.local');
    expect(await c.request('GET', v3('version'))).toMatchObject({ status: 404, body: { errcode: 'M_NOT_FOUND' } });
    const authData = { public_key: 'abc', signatures: { '@v:test.local': { 'ed25519:DEV': 'sig' } } };
    expect((await c.request('POST', v3('version'), { algorithm: ALG, auth_data: authData })).body).toEqual({ version: '1' });
    expect((await c.request('POST', v3('version'), { algorithm: ALG, auth_data: { public_key: 'def' } })).body).toEqual({ version: '2' });
    expect((await as('@v:test.local', 1).request('GET', v3('version'))).body).toEqual({
      algorithm: ALG,
      auth_data: { public_key: 'def' },
      count: 0,
      etag: '0',
      version: '2',
    });
    expect((await c.request('GET', v3('version/1'))).body).toEqual({ algorithm: ALG, auth_data: authData, count: 0, etag: '0', version: '1' });

    expect((await c.request('PUT', v3('version/1'), { algorithm: ALG, auth_data: { public_key: 'abc2' }, version: '1' })).status).toBe(200);
    expect((await c.request('GET', v3('version/1'))).body.auth_data).toEqual({ public_key: 'abc2' });
    expect(await c.request('PUT', v3('version/1'), { algorithm: ALG, auth_data: {}, version: '2' })).toMatchObject({
      status: 400,
      body: { errcode: 'M_INVALID_PARAM' },
    });
    expect(await c.request('PUT', v3('version/1'), { algorithm: 'other', auth_data: {} })).toMatchObject({ status: 400, body: { errcode: 'M_INVALID_PARAM' } });

    expect((await c.request('DELETE', v3('version/2'))).status).toBe(200);
    expect((await c.request('DELETE', v3('version/2'))).status).toBe(200); // again: fine
    expect(await c.request('DELETE', v3('version/99'))).toMatchObject({ status: 404, body: { errcode: 'M_NOT_FOUND' } });
    expect((await c.request('GET', v3('version'))).body.version).toBe('1');
    expect(await c.request('GET', v3('version/2'))).toMatchObject({ status: 404, body: { errcode: 'M_NOT_FOUND' } });
    expect((await c.request('POST', v3('version'), { algorithm: ALG, auth_data: {} })).body).toEqual({ version: '3' });
    expect(await c.request('POST', v3('version'), { algorithm: ALG })).toMatchObject({ status: 400, body: { errcode: 'M_BAD_JSON' } });
  });

  it('keys: the spec keep-or-replace rule, etag changes only with stored keys, exact opaque data, empty reads', async () => {
    const c = as('@k:test.local');
    const { version } = (await c.request('POST', v3('version'), { algorithm: ALG, auth_data: {} })).body;
    const room = '!room:test.local';
    const enc = encodeURIComponent(room);
    expect((await c.request('GET', v3(`keys?version=${version}`))).body).toEqual({ rooms: {} });
    expect((await c.request('GET', v3(`keys/${enc}?version=${version}`))).body).toEqual({ sessions: {} });
    expect(await c.request('GET', v3(`keys/${enc}/nope?version=${version}`))).toMatchObject({ status: 404, body: { errcode: 'M_NOT_FOUND' } });

    const first = await c.request('PUT', v3(`keys?version=${version}`), {
      rooms: { [room]: { sessions: { s1: key(5, false, 0, 'a'), s2: key(0, false, 0, 'b') } } },
    });
    expect(first.body).toEqual({ etag: '1', count: 2 });
    // Worse copies are not stored: unverified with a higher index; same index more forwards; a full tie.
    expect((await c.request('PUT', v3(`keys/${enc}/s1?version=${version}`), key(9, false, 0, 'worse'))).body).toEqual({ etag: '1', count: 2 });
    expect((await c.request('PUT', v3(`keys/${enc}/s1?version=${version}`), key(5, false, 3, 'worse'))).body).toEqual({ etag: '1', count: 2 });
    expect((await c.request('PUT', v3(`keys/${enc}/s1?version=${version}`), key(5, false, 0, 'tie'))).body).toEqual({ etag: '1', count: 2 });
    expect((await c.request('GET', v3(`keys/${enc}/s1?version=${version}`))).body).toEqual(key(5, false, 0, 'a'));
    // Verified beats a lower index; then a lower index wins.
    expect((await c.request('PUT', v3(`keys/${enc}/s1?version=${version}`), key(7, true, 0, 'verified'))).body).toEqual({ etag: '2', count: 2 });
    expect((await c.request('PUT', v3(`keys/${enc}/s1?version=${version}`), key(1, false, 0, 'lower-unverified'))).body).toEqual({ etag: '2', count: 2 });
    expect((await c.request('PUT', v3(`keys/${enc}?version=${version}`), { sessions: { s1: key(2, true, 0, 'lower-verified') } })).body).toEqual({
      etag: '3',
      count: 2,
    });
    expect((await as('@k:test.local', 1).request('GET', v3(`keys?version=${version}`))).body).toEqual({
      rooms: { [room]: { sessions: { s1: key(2, true, 0, 'lower-verified'), s2: key(0, false, 0, 'b') } } },
    });
    expect((await c.request('GET', v3(`version/${version}`))).body).toMatchObject({ count: 2, etag: '3' });

    expect((await c.request('DELETE', v3(`keys/${enc}/s2?version=${version}`))).body).toEqual({ etag: '4', count: 1 });
    expect((await c.request('DELETE', v3(`keys/${enc}/s2?version=${version}`))).body).toEqual({ etag: '4', count: 1 });
    expect((await c.request('DELETE', v3(`keys?version=${version}`))).body).toEqual({ etag: '5', count: 0 });
    expect((await c.request('GET', v3(`keys?version=${version}`))).body).toEqual({ rooms: {} });
  });

  it('writes go to the current version only (403 M_WRONG_ROOM_KEYS_VERSION with current_version; unknown: 404); bad bodies: 400', async () => {
    const c = as('@w:test.local');
    await c.request('POST', v3('version'), { algorithm: ALG, auth_data: {} });
    await c.request('POST', v3('version'), { algorithm: ALG, auth_data: {} });
    const body = { rooms: { '!r:test.local': { sessions: { s: key(0) } } } };
    expect(await c.request('PUT', v3('keys?version=1'), body)).toMatchObject({
      status: 403,
      body: { errcode: 'M_WRONG_ROOM_KEYS_VERSION', current_version: '2' },
    });
    expect(await c.request('PUT', v3('keys?version=42'), body)).toMatchObject({ status: 404, body: { errcode: 'M_NOT_FOUND' } });
    expect(await c.request('GET', v3('keys?version=42'))).toMatchObject({ status: 404, body: { errcode: 'M_NOT_FOUND' } });
    expect(await c.request('PUT', v3('keys'), body)).toMatchObject({ status: 400, body: { errcode: 'M_MISSING_PARAM' } });
    for (const bad of [
      { rooms: [] },
      { rooms: { '!r:test.local': { sessions: { s: { ...key(0), first_message_index: -1 } } } } },
      { rooms: { '!r:test.local': { sessions: { s: { ...key(0), session_data: 'x' } } } } },
    ]) {
      expect(await c.request('PUT', v3('keys?version=2'), bad)).toMatchObject({ status: 400, body: { errcode: 'M_BAD_JSON' } });
    }
    expect((await c.request('PUT', v3('keys?version=2'), body)).body).toEqual({ etag: '1', count: 1 });
  });

  it("only the owner reads or writes a user's backups: another user sees their own (none)", async () => {
    const owner = as('@owner:test.local');
    await owner.request('POST', v3('version'), { algorithm: ALG, auth_data: { mine: true } });
    await owner.request('PUT', v3('keys?version=1'), { rooms: { '!r:test.local': { sessions: { s: key(0) } } } });
    const other = as('@other:test.local');
    expect(await other.request('GET', v3('version'))).toMatchObject({ status: 404 });
    expect(await other.request('GET', v3('keys?version=1'))).toMatchObject({ status: 404 });
    expect(await other.request('PUT', v3('keys?version=1'), { rooms: {} })).toMatchObject({ status: 404 });
    expect(await new MatrixClient(system.apis[0].url).request('GET', v3('version'))).toMatchObject({ status: 401 });
  });

  it('one PUT of 10,000 sessions is one command (events of at most 1,000 sessions), and the full download streams them back', async () => {
    const c = as('@big:test.local');
    const { version } = (await c.request('POST', v3('version'), { algorithm: ALG, auth_data: {} })).body;
    const rooms: Record<string, { sessions: Record<string, unknown> }> = {};
    for (let i = 0; i < 10_000; i++) (rooms[`!r${i % 50}:test.local`] ??= { sessions: {} }).sessions[`s${i}`] = key(i % 3, i % 2 === 0, 0, `t${i}`);
    expect((await c.request('PUT', v3(`keys?version=${version}`), { rooms })).body).toEqual({ etag: '1', count: 10_000 });
    const stored = (await readEvents(env)).filter((e) => e.type === 'BackupKeysStored' && (e.data as { userId: string }).userId === '@big:test.local');
    expect(new Set(stored.map((e) => e.causationId)).size).toBe(1);
    expect(stored.map((e) => (e.data as unknown as { sessions: unknown[] }).sessions.length)).toEqual(Array(10).fill(1000));
    const all = await c.request('GET', v3(`keys?version=${version}`));
    expect(all.body).toEqual({ rooms });
    expect(
      await c.request('PUT', v3(`keys?version=${version}`), {
        rooms: { '!x:test.local': { sessions: Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`s${i}`, key(0)])) } },
      }),
    ).toMatchObject({
      status: 413,
      body: { errcode: 'M_TOO_LARGE' },
    });
  });

  it('a replay of the backups projection reproduces versions, keys, counts and etags', async () => {
    await settle(env, 'backups');
    const mongo = new MongoClient(env.MONGODB_URI!);
    const kafka = createKafka(kafkaSettingsFromEnv('backups-replay', env));
    const admin = new TopicAdmin(kafka);
    try {
      const db = mongo.db(env.MONGODB_DB);
      const live = await collectionDigest(db.collection(collectionName('backups', 1)));
      expect(live.count).toBeGreaterThan(5);
      const report = await replayProjection({ kafka, admin, db, topics: topicNames(env.KAFKA_TOPIC_PREFIX) }, backupsProjection, () => undefined);
      expect(await collectionDigest(db.collection(collectionName('backups', report.version)))).toEqual(live);
    } finally {
      await admin.disconnect();
      await mongo.close();
    }
  });
});
