/**
 * The chaos run (issue 16): the generator's HTTP load against the three services, run as separate
 * processes the way `npm run system` runs them, while a schedule
 *   - moves partitions between two command-processors and two projectors (a second instance of
 *     each is started, then stopped again: 1 -> 2 -> 1),
 *   - kill -9s the command-processor, the projector and the keys-api once each (the supervisor
 *     restarts them, as under `npm run system`),
 *   - kill -9s the Kafka broker and FerretDB once each and starts them again.
 * Then: every request was answered 200, a Matrix error (4xx with errcode) or 503 with Retry-After
 * (requests the keys-api could not answer while it was killed are counted apart); consumer lag
 * back to 0; every acknowledged write in e2ee.events (uploads: device, one-time and fallback keys;
 * claims: the key handed out recorded as claimed), no one-time key handed out twice, no event
 * appended twice, acknowledged device keys shown by /keys/query; to-device probes sent beside the
 * load (retried with the same txn id on 503) queued once and delivered once through the sync
 * extension; each projection rebuilt by
 * `replay` has the live version's content digest; nothing dead-lettered. Prints a summary and exits
 * non-zero on any violation.
 *
 * Its Kafka and FerretDB are its own (`.local/chaos`, free ports; see lib/chaos-infra.ts): the
 * default infrastructure others use is never touched.
 *
 * Run: npm run bench -- chaos     (or: node scripts/run.js bench/chaos.bench.ts, which does not
 *   lease the default infrastructure at all)
 * Settings (environment): CHAOS_SECONDS, the shortest traffic phase (90; the faults are spread over
 * it, and each waits until the previous one recovered, so slow restarts stretch it; the whole run
 * took 6-9 minutes on the shared, busy 2-CPU development machine), CHAOS_RATE operations/s asked of the generator
 * (20; open loop), CHAOS_USERS (100), CHAOS_SEED (1),
 * CHAOS_CONCURRENCY (16), CHAOS_TO_DEVICE_RATE to-device probes/s (2), CHAOS_DOWN_MS how long Kafka and FerretDB stay down (5000),
 * CHAOS_DRAIN_SECONDS (120), CHAOS_DIR (.local/chaos), CHAOS_LOG_LEVEL of the services (warn),
 * CHAOS_PAUSE_SECONDS (0: off) adds a SIGSTOP of command-processor-1 for that long, then SIGCONT,
 * while processor-2 runs (a pause longer than the session timeout: the fencing case).
 * CHAOS_CODE=head runs the services from the last commit (plus CHAOS_OVERLAY=path,path from the
 * working tree) instead of a copy of the working tree; either way the copy is taken at the start,
 * so a restarted service runs the code the run started with.
 * CHAOS_KEEP=1 leaves its Kafka and FerretDB running afterwards, to look into (the next run stops
 * them). The services' logs, kafka.log and ferretdb.log stay in CHAOS_DIR/run until the next run.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { topicNames } from '@app/contracts';
import { TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { generateLoad } from '../apps/cli/src/generate/generate-load';
import { HttpExchange } from '../apps/cli/src/generate/http-sink';
import { accessToken } from '../apps/cli/src/generate/jwt';
import { LagSampler } from '../apps/cli/src/generate/lag-sampler';
import { sleep } from '../apps/cli/src/infra/processes';
import { log, machine, printTable } from './lib/bench-env';
import { AnswerClass, DownWindow, checkLedger, checkQueries, checkReplayDigests, classify, digestDifferences, readEventLog } from './lib/chaos-checks';
import { snapshotCode, codeVersion } from './lib/chaos-code';
import { ChaosInfra } from './lib/chaos-infra';
import { ToDeviceProbes, checkProbes } from './lib/chaos-to-device';
import { ServiceExit, ServiceInstance, chaosServiceEnv } from './lib/chaos-services';
import { SettleAll } from './lib/settle-all';

const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const SECONDS = num('CHAOS_SECONDS', 90);
const RATE = num('CHAOS_RATE', 20);
const USERS = num('CHAOS_USERS', 100);
const SEED = num('CHAOS_SEED', 1);
const CONCURRENCY = num('CHAOS_CONCURRENCY', 16);
const DOWN_MS = num('CHAOS_DOWN_MS', 5000);
const DRAIN_SECONDS = num('CHAOS_DRAIN_SECONDS', 120);
const TO_DEVICE_RATE = num('CHAOS_TO_DEVICE_RATE', 2);
/** Off by default (not in issue 16's schedule): > 0 adds a SIGSTOP of command-processor-1 for this long, longer than the 10 s session timeout, while processor-2 runs (the fencing case). */
const PAUSE_SECONDS = num('CHAOS_PAUSE_SECONDS', 0);
/** The services run from a copy taken at the start: of the working tree (default) or of HEAD plus CHAOS_OVERLAY (comma-separated paths). */
const CODE: 'worktree' | 'head' = process.env.CHAOS_CODE === 'head' ? 'head' : 'worktree';
const OVERLAY = (process.env.CHAOS_OVERLAY ?? '')
  .split(',')
  .map((p) => p.trim())
  .filter(Boolean);
/** A request without an answer after this long counts as unanswered. */
const REQUEST_TIMEOUT_MS = 60_000;

interface Fault {
  /** Seconds since the traffic phase started. */
  at: number;
  what: string;
  /** Seconds until the system had recovered from it (the instance or server ready again). */
  recovered?: number;
  error?: string;
}

async function main(): Promise<number> {
  const runStarted = Date.now();
  const id = randomBytes(3).toString('hex');
  const infra = await ChaosInfra.create(log);
  const logDir = infra.layout.run;
  const exits: ServiceExit[] = [];
  const instances: ServiceInstance[] = [];
  let tearingDown: Promise<void> | undefined;
  const tearDown = () =>
    (tearingDown ??= (async () => {
      await Promise.all(instances.map((i) => i.stop().catch(() => undefined)));
      if (process.env.CHAOS_KEEP !== '1') await infra.stop();
    })());
  const interrupted = () => void tearDown().finally(() => process.exit(130));
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);

  try {
    log(`own infrastructure in ${infra.layout.root}: kafka ${infra.env.KAFKA_BROKERS}, ferretdb ${infra.env.MONGODB_URI}`);
    const code = snapshotCode(infra.layout.projectRoot, join(infra.layout.root, 'code'), CODE, OVERLAY);
    const version = codeVersion(infra.layout.projectRoot, CODE, OVERLAY);
    log(`services run from a copy of the code in ${code}: ${version}`);
    await infra.start();
    const env = chaosServiceEnv(infra.env, id);
    const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
    const instance = async (name: string, kind: 'command-processor' | 'projector' | 'keys-api') => {
      const s = await ServiceInstance.create(name, kind, env, code, logDir, exits, (msg) => log(`${name}: ${msg}`));
      instances.push(s);
      return s;
    };
    const processor1 = await instance('command-processor-1', 'command-processor');
    const projector1 = await instance('projector-1', 'projector');
    const api = await instance('keys-api', 'keys-api');
    processor1.start();
    projector1.start();
    await Promise.all([processor1.waitReady(), projector1.waitReady()]);
    api.start();
    await api.waitReady();
    log(`services up (logs in ${logDir}): keys-api ${api.url}`);

    // Every request and its answer; bodies kept only where a check reads them.
    const exchanges: HttpExchange[] = [];
    const recipients: { userId: string; deviceId: string }[] = [];
    const observe = (x: HttpExchange) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      if (x.status === 200 && x.requester && x.path === '/_matrix/client/v3/keys/upload' && (x.requestBody as any)?.device_keys) recipients.push(x.requester);
      const keep = x.path.startsWith('/_matrix/client/v3/keys/upload') || x.path.startsWith('/_matrix/client/v3/keys/claim');
      exchanges.push(keep ? x : { ...x, requestBody: undefined, responseText: x.status === 200 ? '' : x.responseText.slice(0, 300) });
    };
    const apiDown: DownWindow[] = [];
    const faults: Fault[] = [];
    let trafficStarted = 0;
    let scheduleDone = false;
    let scheduleDoneAt = 0;
    const since = () => Math.round((Date.now() - trafficStarted) / 100) / 10;

    // The schedule: fractions of the traffic phase; each fault starts once the previous one recovered.
    let processor2: ServiceInstance | undefined;
    let projector2: ServiceInstance | undefined;
    const steps: [number, string, () => Promise<void>][] = [
      [
        0.05,
        'start command-processor-2 (partitions 1 -> 2 processors)',
        async () => {
          processor2 = await instance('command-processor-2', 'command-processor');
          processor2.start();
          await processor2.waitReady();
        },
      ],
      [
        0.12,
        'start projector-2 (partitions 1 -> 2 projectors)',
        async () => {
          projector2 = await instance('projector-2', 'projector');
          projector2.start();
          await projector2.waitReady();
        },
      ],
      [
        0.2,
        'kill -9 command-processor-1 (restarted by its supervisor)',
        async () => {
          processor1.kill9();
          await sleep(500);
          await processor1.waitReady();
        },
      ],
      [
        0.3,
        'kill -9 projector-1 (restarted by its supervisor)',
        async () => {
          projector1.kill9();
          await sleep(500);
          await projector1.waitReady();
        },
      ],
      ...(PAUSE_SECONDS > 0
        ? [
            [
              0.35,
              `pause command-processor-1 (SIGSTOP) for ${PAUSE_SECONDS} s, then SIGCONT`,
              async () => {
                await processor1.pause(PAUSE_SECONDS * 1000);
                await processor1.waitReady();
              },
            ] as [number, string, () => Promise<void>],
          ]
        : []),
      [
        0.4,
        'kill -9 keys-api (restarted by its supervisor)',
        async () => {
          const from = Date.now();
          api.kill9();
          await sleep(500);
          await api.waitReady();
          // Requests refused or reset between the kill and the restarted instance answering are the fault's own.
          apiDown.push({ from, to: Date.now() + 1000 });
        },
      ],
      [
        0.5,
        `kill -9 the Kafka broker, ${DOWN_MS / 1000} s down, start it again`,
        async () => {
          await infra.restart('kafka', DOWN_MS);
          await Promise.all([processor1, projector1, api, processor2!, projector2!].map((s) => s.waitReady()));
        },
      ],
      [
        0.65,
        `kill -9 FerretDB, ${DOWN_MS / 1000} s down, start it again`,
        async () => {
          await infra.restart('ferretdb', DOWN_MS);
          await Promise.all([processor1, projector1, api, processor2!, projector2!].map((s) => s.waitReady()));
        },
      ],
      [
        0.8,
        'stop command-processor-2 (partitions 2 -> 1)',
        async () => {
          await processor2!.stop();
          await sleep(1000);
          await api.waitReady();
        },
      ],
      [
        0.87,
        'stop projector-2 (partitions 2 -> 1)',
        async () => {
          await projector2!.stop();
          await projector1.waitReady();
        },
      ],
    ];
    const runSchedule = async () => {
      for (const [fraction, what, act] of steps) {
        const due = trafficStarted + fraction * SECONDS * 1000;
        if (Date.now() < due) await sleep(due - Date.now());
        const fault: Fault = { at: since(), what };
        faults.push(fault);
        log(`t=${fault.at}s ${what}`);
        const started = Date.now();
        try {
          await act();
          fault.recovered = Math.round((Date.now() - started) / 100) / 10;
          log(`t=${since()}s recovered after ${fault.recovered} s`);
        } catch (err) {
          fault.error = (err as Error).message;
          log(`t=${since()}s FAILED: ${fault.error}`);
          break;
        }
      }
      scheduleDone = true;
      scheduleDoneAt = Date.now();
    };
    let schedule: Promise<void> = Promise.resolve();
    let probesStarted: Promise<void> = Promise.resolve();
    const probes = new ToDeviceProbes(api.url, env.AUTH_JWT_SECRET!, env.SERVER_NAME!, id, () => recipients, observe, REQUEST_TIMEOUT_MS);

    const report = await generateLoad(
      {
        mode: 'http',
        population: {
          users: USERS,
          rooms: Math.max(2, Math.round(USERS / 10)),
          maxRoomSize: 50,
          zipfExponent: 1,
          whales: 0,
          whaleDevices: 0,
          encryptedShare: 0.7,
          serverName: env.SERVER_NAME!,
        },
        seed: SEED,
        setup: true,
        rate: RATE,
        // Until the schedule is through and the tail after it is over (see `until`).
        durationSeconds: Infinity,
        operations: Infinity,
        concurrency: CONCURRENCY,
        oneTimeKeys: 20,
        stormQueriers: 5,
        drainSeconds: 0,
        progress: false,
        http: { url: api.url, jwtSecret: env.AUTH_JWT_SECRET!, appserviceToken: env.APPSERVICE_HS_TOKEN!, timeoutMs: REQUEST_TIMEOUT_MS },
        observe,
        onPhase: (phase) => {
          if (phase !== 'traffic') return;
          trafficStarted = Date.now();
          schedule = runSchedule();
          if (TO_DEVICE_RATE > 0) probesStarted = probes.start(TO_DEVICE_RATE);
        },
        until: () => trafficStarted > 0 && scheduleDone && Date.now() >= Math.max(trafficStarted + SECONDS * 1000, scheduleDoneAt + 10_000),
        log,
      },
      env,
    );
    await probesStarted;
    await probes.stop();
    await schedule;
    const trafficSeconds = since();
    log(`load over at t=${trafficSeconds}s; waiting for the pipeline to drain`);

    // Lag back to 0: every consumer group at the log end, then every projection's checkpoint.
    const kafka = createKafka(kafkaSettingsFromEnv('chaos-check', env));
    const admin = new TopicAdmin(kafka);
    const lag = new LagSampler(kafka, topics, Date.now());
    await lag.start(60_000);
    const drainStarted = Date.now();
    let finalLag: Record<string, number> = {};
    let drainedAfter: number | null = null;
    for (;;) {
      const s = await lag.sample();
      finalLag = s?.lag ?? finalLag;
      if (s && Object.values(s.lag).every((x) => x === 0) && Object.keys(s.lag).length > 2) {
        drainedAfter = Math.round((Date.now() - drainStarted) / 100) / 10;
        break;
      }
      if (Date.now() - drainStarted > DRAIN_SECONDS * 1000) break;
      await sleep(1000);
    }
    await lag.stop();
    const violations: string[] = [];
    if (drainedAfter === null) violations.push(`consumer lag not back to 0 within ${DRAIN_SECONDS} s: ${JSON.stringify(finalLag)}`);
    const settle = new SettleAll(env);
    let checkpointsThrough = true;
    await settle.settle(Math.max(10_000, DRAIN_SECONDS * 1000 - (Date.now() - drainStarted))).catch((err: Error) => {
      checkpointsThrough = false;
      violations.push(`projection checkpoints not at the log end: ${err.message}`);
    });
    await settle.close();

    // Answers by class.
    const classes = new Map<AnswerClass, number>();
    const byStatus = new Map<string, number>();
    for (const x of exchanges) {
      const { cls, why } = classify(x, apiDown);
      classes.set(cls, (classes.get(cls) ?? 0) + 1);
      const key = `${x.status ?? 'none'}${x.status === null ? '' : ` ${x.endpoint}`}`;
      byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
      if (cls === 'other' || cls === 'no answer')
        violations.push(`${x.method} ${x.path.slice(0, 60)} at t=${Math.round((x.startedAt - trafficStarted) / 100) / 10}s: ${cls}: ${why}`);
    }

    // The log against the acknowledged writes; the API against the log.
    const eventLog = await readEventLog(kafka, admin, topics);
    const ledger = checkLedger(exchanges, eventLog);
    violations.push(...ledger.violations);
    const checker = await accessToken(env.AUTH_JWT_SECRET!, `@chaos-checker:${env.SERVER_NAME}`, 'CHECK');
    const queries = await checkQueries(api.url, checker, ledger.liveDeviceKeys);
    violations.push(...queries.violations);
    const toDevice = await checkProbes(probes.probes, eventLog, api.url, env.AUTH_JWT_SECRET!);
    violations.push(...toDevice.violations);
    const deadLetters = (await admin.endOffsets(topics.deadLetter).catch(() => new Map<number, string>())) as Map<number, string>;
    const deadLettered = [...deadLetters.values()].reduce((s, x) => s + Number(x), 0);
    if (deadLettered > 0) violations.push(`${deadLettered} messages dead-lettered`);

    // Replay digests (a new version of each projection, activated: done last).
    const mongo = new MongoClient(env.MONGODB_URI!);
    const db = mongo.db(env.MONGODB_DB);
    const digests = await checkReplayDigests(code, env, db, log);
    for (const d of digests.filter((r) => !r.equal)) {
      violations.push(`replay of ${d.projection} differs from the live version (${d.live} vs ${d.replayed})`);
      for (const diff of await digestDifferences(db, d.projection, d.liveVersion, d.replayVersion)) log(`  ${diff}`);
    }
    await mongo.close();
    await admin.disconnect();

    // Summary.
    const plannedExits = exits.filter((e) => e.planned);
    const unplannedExits = exits.filter((e) => !e.planned);
    const ep = report.endpoints;
    const produce = ep['produce hs.events (devices)'];
    printTable('chaos run', [
      ['code', version],
      ['traffic phase (s)', trafficSeconds],
      ['whole run (s)', Math.round((Date.now() - runStarted) / 1000)],
      ['rate asked (ops/s)', RATE],
      ['operations (setup + traffic)', (report.phases.setup?.operations ?? 0) + (report.phases.traffic?.operations ?? 0)],
      ['HTTP requests sent', exchanges.length],
      ...(['200', 'matrix error', '503 + Retry-After', 'no answer (keys-api killed)', 'no answer', 'other'] as const).map((c): [string, number] => [
        `  answered ${c}`,
        classes.get(c) ?? 0,
      ]),
      ['hs.events produced (ok / failed)', produce ? `${produce.count - produce.errors} / ${produce.errors}` : '0 / 0'],
      ["events in e2ee.events (void: a fenced writer's / writer markers)", `${ledger.events} (${ledger.voidEvents} / ${ledger.markers})`],
      [
        'acknowledged uploads (device / one-time / fallback keys)',
        `${ledger.acknowledged.uploads} (${ledger.acknowledged.deviceKeys} / ${ledger.acknowledged.oneTimeKeys} / ${ledger.acknowledged.fallbackKeys})`,
      ],
      [
        'acknowledged claims (one-time keys / fallback handed out)',
        `${ledger.acknowledged.claims} (${ledger.acknowledged.keysClaimed} / ${ledger.acknowledged.fallbacksHandedOut})`,
      ],
      ['OneTimeKeyClaimed in the log', ledger.eventTypes.OneTimeKeyClaimed ?? 0],
      ['to-device probes sent / acknowledged / retried', `${toDevice.sent} / ${toDevice.acknowledged} / ${toDevice.retried}`],
      ['to-device probes queued in the log / delivered by sync', `${toDevice.queued} / ${toDevice.delivered} (${toDevice.devicesRead} inboxes read)`],
      ['devices checked through /keys/query', queries.devices],
      ['lag back to 0 after (s)', drainedAfter ?? `no: ${JSON.stringify(finalLag)}`],
      ['projection checkpoints at the log end', checkpointsThrough ? 'yes' : 'no'],
      ['replay digests equal', `${digests.filter((d) => d.equal).length} of ${digests.length}`],
      ['dead-lettered', deadLettered],
      ['service exits (planned / unplanned)', `${plannedExits.length} / ${unplannedExits.length}`],
      ['VIOLATIONS', violations.length],
    ]);
    process.stdout.write('\nfaults (t = seconds since the traffic phase started; recovered = until ready again)\n');
    for (const f of faults)
      process.stdout.write(`  t=${String(f.at).padStart(6)}s  ${f.what}${f.error ? `  FAILED: ${f.error}` : `  (recovered in ${f.recovered} s)`}\n`);
    if (unplannedExits.length > 0) {
      process.stdout.write('\nunplanned service exits (restarted by the supervisor)\n');
      for (const e of unplannedExits) process.stdout.write(`  t=${Math.round((e.at - trafficStarted) / 100) / 10}s  ${e.instance}: ${e.how}\n`);
    }
    process.stdout.write('\nanswers by status and endpoint\n');
    for (const [k, n] of [...byStatus].sort()) process.stdout.write(`  ${k.padEnd(48)} ${n}\n`);
    process.stdout.write('\nreplay digests\n');
    for (const d of digests)
      process.stdout.write(
        `  ${d.projection.padEnd(20)} v${d.liveVersion} ${d.live} (${d.documents} docs)  replay v${d.replayVersion} ${d.replayed}  ${d.equal ? 'equal' : 'DIFFERENT'}\n`,
      );
    const kinds = violationKinds(violations);
    if (violations.length > 0) {
      process.stdout.write(`\nviolations by kind\n`);
      for (const [kind, n] of kinds) process.stdout.write(`  ${String(n).padStart(5)}  ${kind}\n`);
      process.stdout.write(`\nviolations (${violations.length}; first 50)\n`);
      for (const v of violations.slice(0, 50)) process.stdout.write(`  ${v}\n`);
    }
    const failedFaults = faults.filter((f) => f.error);
    process.stdout.write(
      `\n${JSON.stringify({
        machine: machine(),
        code: version,
        settings: { CODE, SECONDS, RATE, USERS, SEED, CONCURRENCY, DOWN_MS, DRAIN_SECONDS, TO_DEVICE_RATE, PAUSE_SECONDS },
        requests: exchanges.length,
        classes: Object.fromEntries(classes),
        faults,
        exits,
        endpoints: ep,
        phases: report.phases,
        ledger: {
          events: ledger.events,
          voidEvents: ledger.voidEvents,
          markers: ledger.markers,
          eventTypes: ledger.eventTypes,
          acknowledged: ledger.acknowledged,
        },
        toDevice: { ...toDevice, violations: toDevice.violations.length },
        drainedAfter,
        finalLag,
        digests,
        deadLettered,
        violations: violations.length,
        violationKinds: Object.fromEntries(kinds),
        logs: { services: logDir, ...infra.logs },
      })}\n`,
    );
    if (failedFaults.length > 0) log(`${failedFaults.length} fault(s) could not be completed: the run is incomplete`);
    return violations.length > 0 || failedFaults.length > 0 || faults.length < steps.length ? 1 : 0;
  } finally {
    await tearDown();
  }
}

/** Violations grouped by kind: their wording with ids, keys, times and numbers taken out. */
function violationKinds(violations: readonly string[]): [string, number][] {
  const kinds = new Map<string, number>();
  for (const v of violations) {
    const answer = /^(GET|POST|PUT|DELETE) (\S+) at t=\S+ ([^:]+): (\d{3}|[^(]+)/.exec(v);
    const appended = /^event .* \((\w+)\) appended twice/.exec(v);
    const kind = answer
      ? `${answer[1]} ${answer[2].replace(/(sendToDevice\/[^/]+)\/[^/]*$/, '$1/{txnId}')}: ${answer[3]} ${answer[4].trim()}`
      : appended
        ? `event appended twice (${appended[1]})`
        : v
            .replace(/: [^:]*$/, '')
            .replace(/@\S+/g, '@X')
            .replace(/\([0-9a-f]+ vs [0-9a-f]+\)/, '')
            .replace(/(probe|version) \S+/g, '$1 X')
            .replace(/\d+/g, 'N')
            .trim();
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return [...kinds].sort((a, b) => b[1] - a[1]);
}

main()
  .then((code) => process.exit(code))
  .catch((err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  });
