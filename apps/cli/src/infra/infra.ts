import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { InfraLayout, kafkaBrokers, mongoUri } from './infra-layout';
import { ManagedProcess, sleep } from './processes';
import { InfraControl, LocalServer } from './infra-lease';
import { provisionFerretDb, provisionKafka } from './provision';

type Log = (msg: string) => void;

export class LocalInfra implements InfraControl {
  readonly kafka: ManagedProcess;
  readonly ferret: ManagedProcess;

  constructor(private readonly layout: InfraLayout, private readonly log: Log) {
    this.kafka = new ManagedProcess(layout.run, 'kafka');
    this.ferret = new ManagedProcess(layout.run, 'ferretdb');
  }

  get env(): Record<string, string> {
    return { KAFKA_BROKERS: kafkaBrokers(this.layout), MONGODB_URI: mongoUri(this.layout) };
  }

  provision(): void {
    provisionKafka(this.layout, this.log);
    provisionFerretDb(this.layout, this.log);
  }

  /** Starts what is not running yet and returns once both answer an admin call. */
  async start(): Promise<void> {
    this.provision();
    if (this.kafka.pid() === null) this.startKafka();
    if (this.ferret.pid() === null) this.startFerret();
    await Promise.all([this.waitForKafka(), this.waitForMongo()]);
    this.log(`kafka ready at ${kafkaBrokers(this.layout)}; ferretdb ready at ${mongoUri(this.layout)}`);
  }

  running(): { kafka: boolean; ferretdb: boolean } {
    return { kafka: this.kafka.pid() !== null, ferretdb: this.ferret.pid() !== null };
  }

  async stop(which: readonly LocalServer[] = ['kafka', 'ferretdb']): Promise<void> {
    await Promise.all([which.includes('kafka') && this.kafka.stop(), which.includes('ferretdb') && this.ferret.stop()]);
  }

  async status(): Promise<{ kafka: string; ferretdb: string }> {
    const kafka = this.kafka.pid() === null ? 'stopped' : (await pingKafka(kafkaBrokers(this.layout))) ? 'ready' : 'starting';
    const ferretdb = this.ferret.pid() === null ? 'stopped' : (await pingMongo(mongoUri(this.layout))) ? 'ready' : 'starting';
    return { kafka, ferretdb };
  }

  private startKafka(): void {
    const l = this.layout;
    mkdirSync(join(l.root, 'kafka'), { recursive: true });
    writeFileSync(l.kafkaConfig, kafkaProperties(l));
    const classpath = `${l.kafkaLibs}/*`;
    if (!existsSync(join(l.kafkaData, 'meta.properties'))) {
      const clusterId = execFileSync('java', ['-cp', classpath, 'kafka.tools.StorageTool', 'random-uuid'], { encoding: 'utf8' }).trim().split('\n').pop()!;
      execFileSync('java', ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', l.kafkaConfig], { stdio: 'ignore' });
    }
    this.kafka.start(
      'java',
      ['-Xms256m', '-Xmx1g', '-XX:+UseG1GC', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', classpath, 'kafka.Kafka', l.kafkaConfig],
      l.root,
    );
  }

  private startFerret(): void {
    const l = this.layout;
    mkdirSync(l.ferretData, { recursive: true });
    // FerretDB keeps its own busy_timeout/journal_mode(wal) defaults and adds these _pragma values
    // (modernc sqlite runs each on every connection). SQLite never shrinks a WAL file by itself:
    // once a long reader (an open cursor) made it grow, it stayed at that size. journal_size_limit
    // truncates it back to 32 MiB at the next WAL restart (the steady state is ~4 MiB: autocheckpoint
    // at 1000 pages).
    const sqliteUrl = `file:${l.ferretData}/?_pragma=journal_size_limit(${32 * 2 ** 20})`;
    this.ferret.start(
      l.ferretBin,
      ['--handler=sqlite', `--sqlite-url=${sqliteUrl}`, `--listen-addr=127.0.0.1:${l.mongoPort}`, '--telemetry=disable', '--log-level=error', '--debug-addr=-'],
      l.root,
    );
  }

  private async waitForKafka(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await pingKafka(kafkaBrokers(this.layout)))) {
      if (this.kafka.pid() === null) throw new Error(`kafka exited; see ${this.kafka.logFile}`);
      if (Date.now() > deadline) throw new Error(`kafka not ready after ${timeoutMs} ms; see ${this.kafka.logFile}`);
      await sleep(250);
    }
  }

  private async waitForMongo(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await pingMongo(mongoUri(this.layout)))) {
      if (this.ferret.pid() === null) throw new Error(`ferretdb exited; see ${this.ferret.logFile}`);
      if (Date.now() > deadline) throw new Error(`ferretdb not ready after ${timeoutMs} ms; see ${this.ferret.logFile}`);
      await sleep(200);
    }
  }
}

function kafkaProperties(l: InfraLayout): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${l.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${l.kafkaPort},CONTROLLER://127.0.0.1:${l.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${l.kafkaPort}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${l.kafkaData}`,
    'num.partitions=8',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=8',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'delete.topic.enable=true',
    '',
  ].join('\n');
}

/** Readiness is an admin round trip (describeCluster), never a sleep. */
export async function pingKafka(brokers: string): Promise<boolean> {
  const admin = new Kafka({ clientId: 'infra-ping', brokers: brokers.split(','), logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function pingMongo(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}
