import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';

/** A private topic prefix and database for one bench run (the cluster and store are shared). */
export function benchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const id = randomBytes(3).toString('hex');
  return {
    PATH: process.env.PATH,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    MONGODB_URI: process.env.MONGODB_URI,
    KAFKA_TOPIC_PREFIX: `bench.${id}.`,
    KAFKA_PARTITIONS: '8',
    MONGODB_DB: `bench_${id}`,
    SERVER_NAME: 'bench.local',
    AUTH_MODE: 'jwt',
    AUTH_JWT_SECRET: 'test-secret',
    HTTP_PORT: '0',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
    // Benches drive a few users as fast as the server answers: that is what they measure, not the limiter.
    RATE_LIMITS: 'off',
    ...extra,
  };
}

/** BENCH_SCALE multiplies the data of a scenario (not the request it measures): 10 = "10x the data". */
export const SCALE = Number(process.env.BENCH_SCALE ?? 1);

export function machine(): Record<string, unknown> {
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    store: 'FerretDB 1.24.2 (SQLite) + Kafka 4.3.1 single node, on this machine',
  };
}

/** Prints a figure table (name | value) to stdout, then the JSON of the whole run. */
export function printTable(title: string, rows: readonly (readonly [string, string | number])[]): void {
  const width = Math.max(...rows.map(([k]) => k.length), 6);
  const fmt = (v: string | number) => (typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : v);
  process.stdout.write(`\n${title}\n${'-'.repeat(title.length)}\n`);
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${fmt(v)}\n`);
}

export const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/** Runs a bench's main: exit 0 when it printed its figures, 1 with the stack otherwise. */
export function runBench(main: () => Promise<void>): void {
  main()
    .then(() => process.exit(0))
    .catch((err) => {
      process.stderr.write(`${(err as Error).stack}\n`);
      process.exit(1);
    });
}
