import { cpus, totalmem } from 'node:os';
import { topicNames } from '@app/contracts';
import { KafkaKeyedProducer, TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { ensureTopology } from '@app/platform';
import { HttpExchange, HttpSink } from './http-sink';
import { EventSink } from './event-sink';
import { KafkaSink } from './kafka-sink';
import { KeyMaterial } from './key-material';
import { LagSampler } from './lag-sampler';
import { PopulationOptions, buildPopulation, describePopulation } from './population';
import { createRng } from './prng';
import { Recorder } from './recorder';
import { RunReport, buildReport } from './report';
import { PhaseResult, drain, runPhase } from './run-load';
import { Sink } from './sink';
import { TrafficPlan } from './traffic-plan';

export interface GenerateOptions {
  /** `events`: decided here and written straight to e2ee.events (fills the log fast; no processor may run). */
  readonly mode: 'kafka' | 'http' | 'events';
  readonly population: PopulationOptions;
  readonly seed: number;
  readonly setup: boolean;
  /** Steady-state operations per second (0 = as fast as possible), for `durationSeconds` or `operations`. */
  readonly rate: number;
  readonly durationSeconds: number;
  readonly operations: number;
  readonly concurrency: number;
  readonly oneTimeKeys: number;
  readonly stormQueriers: number;
  readonly drainSeconds: number;
  readonly progress: boolean;
  /** HTTP mode: the keys-api and the secrets it was started with (`timeoutMs`: give up on a request after it). */
  readonly http?: { url: string; jwtSecret: string; appserviceToken: string | null; timeoutMs?: number };
  /** HTTP mode: called with every request and its answer (the chaos bench checks each one). */
  readonly observe?: (exchange: HttpExchange) => void;
  /** Called as each phase (`setup`, `traffic`) starts. */
  readonly onPhase?: (phase: 'setup' | 'traffic') => void;
  /** Stops the steady phase early (benches: "enough events in the log"). */
  readonly until?: () => boolean;
  readonly log: (msg: string) => void;
}

/**
 * One generator run: build the population from the seed, run its set-up and then its steady
 * traffic through the chosen sink, sample consumer lag every second, wait for the pipeline to
 * drain, and return the report. `env` gives KAFKA_BROKERS, KAFKA_PARTITIONS, KAFKA_TOPIC_PREFIX.
 */
export async function generateLoad(options: GenerateOptions, env: NodeJS.ProcessEnv): Promise<RunReport> {
  const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  const topics = topicNames(env.KAFKA_TOPIC_PREFIX ?? '');
  const settings = kafkaSettingsFromEnv('generate', env);
  const kafka = env.KAFKA_BROKERS ? createKafka(settings) : undefined;
  const admin = kafka ? new TopicAdmin(kafka) : undefined;
  if (options.mode !== 'http' && !admin) throw new Error(`${options.mode} mode needs KAFKA_BROKERS`);
  if (admin) await ensureTopology(admin, topics, settings.partitions, settings.durability);
  const producer = kafka ? new KafkaKeyedProducer(kafka, settings.partitions) : undefined;
  const recorder = new Recorder();
  const lag = kafka ? new LagSampler(kafka, topics, recorder.startedAt) : undefined;
  const keys = new KeyMaterial();
  let sink: Sink;
  if (options.mode === 'kafka') sink = new KafkaSink({ producer: producer!, topics, keys, recorder, runId });
  else if (options.mode === 'events') sink = new EventSink({ producer: producer!, topics, keys, recorder, runId }, settings.partitions);
  else if (options.http) sink = new HttpSink(options.http, keys, recorder, runId, producer ? { producer, topics } : undefined, options.observe);
  else throw new Error('HTTP mode needs a target URL');

  const rng = createRng(options.seed);
  const population = buildPopulation(options.population, rng.fork('population'));
  const described = describePopulation(population);
  options.log(`population: ${JSON.stringify(described)}`);
  const plan = new TrafficPlan(
    population,
    {
      oneTimeKeyTarget: options.oneTimeKeys,
      stormQueriers: options.stormQueriers,
      maxQueryUsers: 10_000,
      serverName: options.population.serverName,
      idPrefix: `g${runId}_`,
      ts: Date.now,
    },
    rng.fork('traffic'),
  );
  await lag?.start();
  const phases: Record<string, PhaseResult> = {};
  try {
    if (options.setup) {
      const setupOps = [...plan.setup()];
      options.onPhase?.('setup');
      phases.setup = await runPhase(setupOps[Symbol.iterator](), sink, lag, {
        name: 'setup',
        rate: 0,
        concurrency: options.concurrency,
        durationSeconds: Infinity,
        maxOperations: Infinity,
        expected: setupOps.length,
        progress: options.progress,
        log: options.log,
      });
      await sink.close();
      options.log(`setup: ${JSON.stringify(phases.setup)}`);
      if (recorder.errors.size > 0)
        options.log(`errors: ${JSON.stringify(Object.fromEntries(recorder.errors))}; first: ${recorder.errorSamples.slice(0, 3).join(' | ')}`);
    }
    options.onPhase?.('traffic');
    phases.traffic = await runPhase(plan.traffic(), sink, lag, {
      name: 'traffic',
      rate: options.rate,
      concurrency: options.concurrency,
      durationSeconds: options.durationSeconds,
      maxOperations: options.operations,
      progress: options.progress,
      until: options.until,
      log: options.log,
    });
    await sink.close();
    options.log(`traffic: ${JSON.stringify(phases.traffic)}`);
    if (recorder.errors.size > 0)
      options.log(`errors: ${JSON.stringify(Object.fromEntries(recorder.errors))}; first: ${recorder.errorSamples.slice(0, 3).join(' | ')}`);
    const drainedSeconds = lag ? await drain(lag, options.drainSeconds, options.log) : null;
    return buildReport(
      {
        parameters: {
          ...options,
          http: options.http ? { url: options.http.url } : undefined,
          log: undefined,
          until: undefined,
          observe: undefined,
          onPhase: undefined,
          prefix: topics.prefix,
          partitions: settings.partitions,
        },
        machine: {
          cpus: cpus().length,
          cpuModel: cpus()[0]?.model,
          memoryGiB: Math.round(totalmem() / 2 ** 30),
          node: process.version,
          platform: process.platform,
        },
        population: described,
        phases,
        lag: lag?.samples ?? [],
        drained: { seconds: drainedSeconds, finalLag: lag?.latest?.lag ?? {} },
      },
      recorder,
    );
  } finally {
    await lag?.stop();
    await producer?.disconnect();
    await admin?.disconnect();
  }
}
