import { loadavg } from 'node:os';
import { newDeviceIdentity, signedDeviceKeys, signedOneTimeKeys } from '@app/testing';
import { MatrixClient } from '../../test/helpers/matrix-client';
import { drive, summarize } from './stats';
import { treeCpuSeconds } from './process-cpu';

/** A registered user with one device and an access token for it. */
export interface PeerUser {
  readonly userId: string;
  readonly deviceId: string;
  readonly token: string;
}

/** One server under test: its users (all in one shared room) and how to get a /keys/changes token. */
export interface PeerTarget {
  readonly name: string;
  readonly url: string;
  readonly users: readonly PeerUser[];
  /** A stream token (sync next_batch) that covers every acknowledged upload so far. */
  token(): Promise<string>;
  /** The processes that make up the server (each with its children): what its CPU time is counted over. */
  processes(): number[];
}

export interface PeerSettings {
  readonly keysPerDevice: number;
  readonly claims: number;
  readonly queries: number;
  readonly changesReads: number;
  readonly concurrency: number;
  readonly seed: number;
}

export interface ScenarioFigures {
  readonly count: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** CPU milliseconds the server's processes used per operation of the scenario. */
  readonly cpuMsPerOp: number;
}

export interface PeerResult {
  readonly scenarios: Record<'upload' | 'claim' | 'query' | 'changes', ScenarioFigures>;
  readonly keysHandedOut: number;
  readonly handedOutTwice: number;
  readonly emptyClaims: number;
  readonly devicesPerQuery: number;
  readonly changedReported: number;
  /** Requests answered 503/429 and retried after Retry-After, over all scenarios. */
  readonly retries: number;
  /** 1-minute load average when the scenarios started and ended: other work on the machine skews the figures. */
  readonly loadAverage: readonly [number, number];
}

/** The same four scenarios, in the same order and with the same random choices, against any server. */
export async function runPeerScenarios(target: PeerTarget, s: PeerSettings, log: (m: string) => void): Promise<PeerResult> {
  const { users } = target;
  let retries = 0;
  /** A request as a Matrix client makes it: a 503/429 is retried after its Retry-After (counted; its wait is in the latency). */
  const send = async (what: string, i: number, method: string, path: string, body?: unknown) => {
    const client = new MatrixClient(target.url, users[i % users.length].token);
    for (let attempt = 0; ; attempt++) {
      const r = await client.request(method, path, body);
      if (r.status === 200) return r.body as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      if ((r.status !== 503 && r.status !== 429) || attempt === 5)
        throw new Error(`${target.name} ${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      retries++;
      await new Promise((done) => setTimeout(done, 1000 * Number(r.headers.get('retry-after') ?? 1)));
    }
  };

  /** A scenario with the CPU time the server's processes used during it. */
  const measured = async <R>(run: () => Promise<R>): Promise<R & { cpuSeconds: number }> => {
    const before = treeCpuSeconds(target.processes());
    const result = await run();
    return { ...result, cpuSeconds: treeCpuSeconds(target.processes()) - before };
  };

  // Signing is the client's work: all bodies are built before any clock starts.
  const ids = Array.from({ length: s.keysPerDevice }, (_, k) => `AAAAk${k}`);
  const bodies = users.map((u) => {
    const device = newDeviceIdentity(u.userId, u.deviceId);
    return { device_keys: signedDeviceKeys(device), one_time_keys: signedOneTimeKeys(device, ids) };
  });

  const loadAtStart = loadavg()[0];
  const from = await target.token();
  log(`${target.name}: uploading ${users.length} devices x ${s.keysPerDevice} signed one-time keys`);
  const upload = await measured(() =>
    drive(users.length, s.concurrency, async (i) => {
      const body = await send('upload', i, 'POST', '/_matrix/client/v3/keys/upload', bodies[i]);
      if (body.one_time_key_counts?.signed_curve25519 !== s.keysPerDevice)
        throw new Error(`${target.name} upload: counts ${JSON.stringify(body.one_time_key_counts)}`);
    }),
  );
  const to = await target.token();

  log(`${target.name}: ${s.claims} claims`);
  const deck = claimDeck(users.length, s.claims, s.keysPerDevice, s.seed);
  const handedOut = new Map<string, number>();
  let emptyClaims = 0;
  const claim = await measured(() =>
    drive(s.claims, s.concurrency, async (i) => {
      const t = users[deck[i]];
      const body = await send('claim', i * 7 + 1, 'POST', '/_matrix/client/v3/keys/claim', {
        one_time_keys: { [t.userId]: { [t.deviceId]: 'signed_curve25519' } },
      });
      const keys = body.one_time_keys?.[t.userId]?.[t.deviceId] ?? {};
      if (Object.keys(keys).length === 0) emptyClaims++;
      // A key is the same key if either its id on that device or its public value repeats.
      for (const [keyId, key] of Object.entries<{ key: string }>(keys)) {
        for (const name of [`${t.userId}|${t.deviceId}|${keyId}`, `value|${key.key}`]) handedOut.set(name, (handedOut.get(name) ?? 0) + 1);
      }
    }),
  );
  const handedOutTwice = [...handedOut.values()].filter((n) => n > 1).length;

  log(`${target.name}: ${s.queries} /keys/query of all ${users.length} users`);
  const everyone = { device_keys: Object.fromEntries(users.map((u) => [u.userId, []])) };
  let devicesPerQuery = Infinity;
  const query = await measured(() =>
    drive(s.queries, s.concurrency, async (i) => {
      const body = await send('query', i, 'POST', '/_matrix/client/v3/keys/query', everyone);
      const devices = Object.values<Record<string, unknown>>(body.device_keys ?? {}).reduce((n, d) => n + Object.keys(d).length, 0);
      devicesPerQuery = Math.min(devicesPerQuery, devices);
    }),
  );

  log(`${target.name}: ${s.changesReads} /keys/changes from before to after the uploads`);
  let changedReported = Infinity;
  const path = `/_matrix/client/v3/keys/changes?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const changes = await measured(() =>
    drive(s.changesReads, s.concurrency, async (i) => {
      const body = await send('changes', i, 'GET', path);
      changedReported = Math.min(changedReported, body.changed.length);
    }),
  );

  const figures = (r: Awaited<ReturnType<typeof drive>> & { cpuSeconds: number }): ScenarioFigures => {
    const { count, p50, p99 } = summarize(r.latencies);
    return { count, perSecond: Math.round((count / r.seconds) * 10) / 10, p50, p99, cpuMsPerOp: Math.round((r.cpuSeconds * 1000 * 10) / count) / 10 };
  };
  return {
    scenarios: { upload: figures(upload), claim: figures(claim), query: figures(query), changes: figures(changes) },
    keysHandedOut: [...handedOut.keys()].filter((k) => !k.startsWith('value|')).length,
    handedOutTwice,
    emptyClaims,
    devicesPerQuery,
    changedReported,
    retries,
    loadAverage: [Math.round(loadAtStart * 10) / 10, Math.round(loadavg()[0] * 10) / 10],
  };
}

/** Claim targets: each device at most ceil(claims/devices) times (never above its keys), shuffled by a seeded PRNG. */
export function claimDeck(devices: number, claims: number, keysPerDevice: number, seed: number): number[] {
  const rounds = Math.ceil(claims / devices);
  if (rounds > keysPerDevice) throw new Error(`${claims} claims over ${devices} devices would exhaust their ${keysPerDevice} keys`);
  const deck = Array.from({ length: rounds * devices }, (_, i) => i % devices);
  let state = seed >>> 0;
  const random = () => {
    // mulberry32: the same deck on both servers
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = deck.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [deck[i], deck[j]] = [deck[j], deck[i]];
  }
  return deck.slice(0, claims);
}
