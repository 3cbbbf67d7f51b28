import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Db } from 'mongodb';
import { Kafka } from 'kafkajs';
import { TopicNames } from '@app/contracts';
import { TopicAdmin } from '@app/kafka';
import { canonicalJson } from '@app/matrix';
import { PROJECTIONS, ProjectionBuckets, ProjectionRegistry, collectionDigest } from '@app/read-models';
import { KafkaPartitionReader } from '@app/kafka';
import { HttpExchange } from '../../apps/cli/src/generate/http-sink';

/** What a request got: the three allowed classes, and everything else (a violation unless excused). */
export type AnswerClass = '200' | 'matrix error' | '503 + Retry-After' | 'no answer (keys-api killed)' | 'no answer' | 'other';

/** A window in which the keys-api was down on purpose: requests it could not answer are expected. */
export interface DownWindow {
  readonly from: number;
  readonly to: number;
}

export function classify(x: HttpExchange, apiDown: readonly DownWindow[]): { cls: AnswerClass; why?: string } {
  if (x.status === null) {
    const excused = apiDown.some((w) => x.endedAt >= w.from && x.startedAt <= w.to);
    return { cls: excused ? 'no answer (keys-api killed)' : 'no answer', why: x.error ?? 'no answer' };
  }
  if (x.status === 200) return { cls: '200' };
  let body: unknown;
  try {
    body = JSON.parse(x.responseText);
  } catch {
    return { cls: 'other', why: `${x.status}, not JSON: ${x.responseText.slice(0, 120)}` };
  }
  const errcode = typeof body === 'object' && body !== null ? (body as { errcode?: unknown }).errcode : undefined;
  if (x.status === 503) {
    if (x.retryAfter !== null && typeof errcode === 'string') return { cls: '503 + Retry-After' };
    return { cls: 'other', why: `503 without ${x.retryAfter === null ? 'Retry-After' : 'errcode'}: ${x.responseText.slice(0, 120)}` };
  }
  if (typeof errcode === 'string' && /^M_[A-Z_]+$/.test(errcode) && x.status >= 400 && x.status < 500) return { cls: 'matrix error' };
  return { cls: 'other', why: `${x.status} ${x.responseText.slice(0, 160)}` };
}

export interface RawEvent {
  readonly id: string;
  readonly type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly data: any;
  readonly partition: number;
  readonly offset: string;
  /** The partition writer that appended it, when the writers are fenced (envelope.ts). */
  readonly writer?: string;
}

/**
 * The fence rule every reader of e2ee.events applies (libs/contracts/src/writer-fence.ts, restated
 * here so that the check does not lean on the code it checks): per partition, the latest
 * `WriterStarted` marker names the current writer; after one, only that writer's events stand; a
 * previous owner's late events are void for every reader. Before any marker, everything stands.
 * Returns the standing domain events (markers left out) and how many were void.
 */
export function standingEvents(log: readonly RawEvent[]): { standing: RawEvent[]; void: number; markers: number } {
  const current = new Map<number, string>();
  const standing: RawEvent[] = [];
  let voided = 0;
  let markers = 0;
  for (const e of log) {
    if (e.type === 'WriterStarted') {
      markers++;
      current.set(e.partition, e.data.writer);
      continue;
    }
    const writer = current.get(e.partition);
    if (writer === undefined || e.writer === writer) standing.push(e);
    else voided++;
  }
  return { standing, void: voided, markers };
}

/** Every message of e2ee.events, in log order per partition (raw JSON: nothing is rejected here). */
export async function readEventLog(kafka: Kafka, admin: TopicAdmin, topics: TopicNames): Promise<RawEvent[]> {
  const partitions = await admin.partitionCount(topics.events);
  const out: RawEvent[] = [];
  const reader = new KafkaPartitionReader(kafka, admin, `${topics.prefix}chaos-check`);
  await reader.readRange(topics.events, new Map(Array.from({ length: partitions }, (_, p) => [p, '0'])), async (batch) => {
    for (const m of batch) {
      try {
        const e = JSON.parse(m.value?.toString('utf8') ?? 'null') as { id: string; type: string; data: unknown; writer?: string };
        out.push({ id: e.id, type: e.type, data: e.data, partition: m.partition, offset: m.offset, writer: e.writer });
      } catch {
        out.push({ id: `undecodable@${m.partition}/${m.offset}`, type: 'undecodable', data: null, partition: m.partition, offset: m.offset });
      }
    }
  });
  out.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  return out;
}

const same = (a: string, b: unknown) => {
  try {
    return canonicalJson(JSON.parse(a)) === canonicalJson(b);
  } catch {
    return false;
  }
};

export interface LedgerResult {
  readonly events: number;
  /** Events of a fenced (previous) writer: in the log, void for every reader. */
  readonly voidEvents: number;
  readonly markers: number;
  readonly eventTypes: Record<string, number>;
  readonly acknowledged: {
    uploads: number;
    deviceKeys: number;
    oneTimeKeys: number;
    fallbackKeys: number;
    claims: number;
    keysClaimed: number;
    fallbacksHandedOut: number;
  };
  readonly violations: string[];
  /** Devices whose acknowledged device keys the log still holds (not deleted since): user -> device -> keys. */
  readonly liveDeviceKeys: Map<string, Map<string, unknown>>;
}

/**
 * The acknowledged writes against the log. An upload answered 200: its device keys, every one-time
 * key and its fallback key are in e2ee.events for that device, with the uploaded content. A claim
 * answered 200: each one-time key it handed out is a `OneTimeKeyClaimed` of that device in the
 * log, with the content that was uploaded, and no key was handed out to two claims (as answered)
 * or claimed twice (in the log). Also: no event id appended twice. Only the events that stand by
 * the writer fence count; void ones (a fenced writer's) are counted apart.
 */
export function checkLedger(exchanges: readonly HttpExchange[], raw: readonly RawEvent[]): LedgerResult {
  const { standing: log, void: voidEvents, markers } = standingEvents(raw);
  const violations: string[] = [];
  const eventTypes: Record<string, number> = {};
  const seenIds = new Set<string>();
  const deviceKeys = new Map<string, string[]>();
  const otks = new Map<string, Map<string, string>>();
  const fallbacks = new Map<string, Map<string, string>>();
  /** user|device|key -> ids of the OneTimeKeyClaimed events naming it (one id twice is a duplicate append, reported as such). */
  const claimedInLog = new Map<string, Set<string>>();
  /** Per device, whether its latest key-bearing event is a deletion (log order per user partition). */
  const current = new Map<string, string | null>();
  for (const e of log) {
    eventTypes[e.type] = (eventTypes[e.type] ?? 0) + 1;
    if (seenIds.has(e.id)) violations.push(`event ${e.id} (${e.type}) appended twice (again at ${e.partition}/${e.offset})`);
    seenIds.add(e.id);
    const slot = e.data && typeof e.data === 'object' ? `${e.data.userId}|${e.data.deviceId}` : '';
    switch (e.type) {
      case 'DeviceKeysUploaded':
        deviceKeys.set(slot, [...(deviceKeys.get(slot) ?? []), e.data.keysJson]);
        current.set(slot, e.data.keysJson);
        break;
      case 'DeviceDeleted':
        current.set(slot, null);
        break;
      case 'OneTimeKeysUploaded': {
        const m = otks.get(slot) ?? new Map<string, string>();
        for (const k of e.data.keys as { keyName: string; json: string }[]) m.set(k.keyName, k.json);
        otks.set(slot, m);
        break;
      }
      case 'FallbackKeyUploaded': {
        const m = fallbacks.get(slot) ?? new Map<string, string>();
        m.set(e.data.key.keyName, e.data.key.json);
        fallbacks.set(slot, m);
        break;
      }
      case 'OneTimeKeyClaimed': {
        const k = `${slot}|${e.data.keyName}`;
        claimedInLog.set(k, (claimedInLog.get(k) ?? new Set<string>()).add(e.id));
        break;
      }
    }
  }
  for (const [k, ids] of claimedInLog)
    if (ids.size > 1) violations.push(`one-time key ${k} claimed by ${ids.size} different commands in the log (handed out twice): ${[...ids].join(', ')}`);

  const acknowledged = { uploads: 0, deviceKeys: 0, oneTimeKeys: 0, fallbackKeys: 0, claims: 0, keysClaimed: 0, fallbacksHandedOut: 0 };
  const handedOut = new Map<string, number>();
  for (const x of exchanges) {
    if (x.status !== 200 || !x.requester) continue;
    if (x.path === '/_matrix/client/v3/keys/upload') {
      acknowledged.uploads++;
      const slot = `${x.requester.userId}|${x.requester.deviceId}`;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const body = x.requestBody as any;
      if (body.device_keys) {
        acknowledged.deviceKeys++;
        if (!(deviceKeys.get(slot) ?? []).some((j) => same(j, body.device_keys))) violations.push(`acknowledged device keys of ${slot} not in the log`);
      }
      for (const [name, key] of Object.entries(body.one_time_keys ?? {})) {
        acknowledged.oneTimeKeys++;
        const logged = otks.get(slot)?.get(name);
        if (logged === undefined) violations.push(`acknowledged one-time key ${slot}|${name} not in the log`);
        else if (!same(logged, key)) violations.push(`one-time key ${slot}|${name} in the log differs from the acknowledged upload`);
      }
      for (const [name, key] of Object.entries(body.fallback_keys ?? {})) {
        acknowledged.fallbackKeys++;
        const logged = fallbacks.get(slot)?.get(name);
        if (logged === undefined) violations.push(`acknowledged fallback key ${slot}|${name} not in the log`);
        else if (!same(logged, key)) violations.push(`fallback key ${slot}|${name} in the log differs from the acknowledged upload`);
      }
    } else if (x.path === '/_matrix/client/v3/keys/claim') {
      acknowledged.claims++;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const answer = JSON.parse(x.responseText) as { one_time_keys?: Record<string, Record<string, Record<string, any>>> };
      for (const [userId, devices] of Object.entries(answer.one_time_keys ?? {})) {
        for (const [deviceId, keys] of Object.entries(devices)) {
          for (const [name, key] of Object.entries(keys)) {
            const slot = `${userId}|${deviceId}`;
            if (key && key.fallback === true) {
              acknowledged.fallbacksHandedOut++;
              const logged = fallbacks.get(slot)?.get(name);
              if (logged === undefined || !same(logged, key)) violations.push(`fallback key ${slot}|${name} handed out but not uploaded as such`);
              continue;
            }
            acknowledged.keysClaimed++;
            const k = `${slot}|${name}`;
            handedOut.set(k, (handedOut.get(k) ?? 0) + 1);
            if (!claimedInLog.has(k)) violations.push(`one-time key ${k} handed out (200) but no OneTimeKeyClaimed in the log`);
            const uploaded = otks.get(slot)?.get(name);
            if (uploaded === undefined || !same(uploaded, key)) violations.push(`one-time key ${k} handed out with content that was never uploaded`);
          }
        }
      }
    }
  }
  for (const [k, n] of handedOut) if (n > 1) violations.push(`one-time key ${k} handed out in ${n} answers`);

  const liveDeviceKeys = new Map<string, Map<string, unknown>>();
  for (const x of exchanges) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const body = x.requestBody as any;
    if (x.status !== 200 || !x.requester || x.path !== '/_matrix/client/v3/keys/upload' || !body.device_keys) continue;
    const slot = `${x.requester.userId}|${x.requester.deviceId}`;
    const now = current.get(slot);
    if (now === null || now === undefined || !same(now, body.device_keys)) continue; // deleted (logout) since, or never recorded (reported above)
    const devices = liveDeviceKeys.get(x.requester.userId) ?? new Map<string, unknown>();
    devices.set(x.requester.deviceId, body.device_keys);
    liveDeviceKeys.set(x.requester.userId, devices);
  }
  return { events: raw.length, voidEvents, markers, eventTypes, acknowledged, violations, liveDeviceKeys };
}

/** The effect through the API: /keys/query shows every acknowledged device key the log still holds, exactly as uploaded. */
export async function checkQueries(url: string, token: string, live: Map<string, Map<string, unknown>>): Promise<{ devices: number; violations: string[] }> {
  const violations: string[] = [];
  const users = [...live.keys()];
  let devices = 0;
  for (let i = 0; i < users.length; i += 200) {
    const batch = users.slice(i, i + 200);
    const r = await fetch(`${url}/_matrix/client/v3/keys/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ device_keys: Object.fromEntries(batch.map((u) => [u, []])) }),
    });
    const text = await r.text();
    if (r.status !== 200) {
      violations.push(`final /keys/query answered ${r.status}: ${text.slice(0, 200)}`);
      continue;
    }
    const answer = JSON.parse(text) as { device_keys: Record<string, Record<string, Record<string, unknown>>> };
    for (const userId of batch) {
      for (const [deviceId, keys] of live.get(userId)!) {
        devices++;
        const shown = answer.device_keys?.[userId]?.[deviceId];
        if (!shown) {
          violations.push(`acknowledged device ${userId}|${deviceId} missing from /keys/query`);
          continue;
        }
        const { unsigned: _unsigned, ...rest } = shown;
        if (canonicalJson(rest) !== canonicalJson(keys)) violations.push(`device ${userId}|${deviceId}: /keys/query differs from the acknowledged upload`);
      }
    }
  }
  return { devices, violations };
}

export interface DigestRow {
  readonly projection: string;
  readonly liveVersion: number;
  readonly replayVersion: number;
  readonly documents: number;
  readonly equal: boolean;
  readonly live: string;
  readonly replayed: string;
}

/**
 * Each projection rebuilt from offset 0 by `npm run replay` (a new version) run from the same copy
 * of the code as the services, its content digest against the live version's.
 */
export async function checkReplayDigests(codeRoot: string, env: NodeJS.ProcessEnv, db: Db, log: (msg: string) => void): Promise<DigestRow[]> {
  const registry = new ProjectionRegistry(db);
  const rows: DigestRow[] = [];
  for (const name of Object.keys(PROJECTIONS)) {
    const liveVersion = await registry.active(name);
    const live = await collectionDigest(await ProjectionBuckets.forReading(db, name, liveVersion));
    const run = spawnSync(process.execPath, [join(codeRoot, 'scripts', 'run.js'), join(codeRoot, 'apps', 'cli', 'src', 'main.ts'), 'replay', name], {
      cwd: codeRoot,
      env,
      encoding: 'utf8',
      timeout: 600_000,
    });
    const line = run.stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .pop();
    if (run.status !== 0 || !line) throw new Error(`replay ${name} failed (${run.status}): ${run.stderr.slice(-500)}`);
    const report = JSON.parse(line) as { version: number };
    const replayed = await collectionDigest(await ProjectionBuckets.forReading(db, name, report.version));
    rows.push({
      projection: name,
      liveVersion,
      replayVersion: report.version,
      documents: live.count,
      equal: live.digest === replayed.digest && live.count === replayed.count,
      live: live.digest.slice(0, 12),
      replayed: replayed.digest.slice(0, 12),
    });
    log(
      `replayed ${name}: v${liveVersion} ${live.count} docs ${live.digest.slice(0, 12)} vs v${report.version} ${replayed.count} docs ${replayed.digest.slice(0, 12)}`,
    );
  }
  return rows;
}

/** Documents of one version that differ from another's (by _id), for a digest mismatch: a few examples. */
export async function digestDifferences(db: Db, name: string, a: number, b: number, limit = 3): Promise<string[]> {
  const docs = async (v: number) => {
    const buckets = await ProjectionBuckets.forReading(db, name, v);
    const all = (await Promise.all(buckets.collections.map((c) => c.find({}).toArray()))).flat();
    return new Map(all.map((d) => [String(canonicalJson(d._id)), canonicalJson(d)]));
  };
  const [x, y] = [await docs(a), await docs(b)];
  const out: string[] = [];
  for (const id of new Set([...x.keys(), ...y.keys()])) {
    if (x.get(id) === y.get(id)) continue;
    out.push(`${name} ${id}: live ${x.get(id)?.slice(0, 400) ?? '(absent)'} | replay ${y.get(id)?.slice(0, 400) ?? '(absent)'}`);
    if (out.length >= limit) break;
  }
  return out;
}
