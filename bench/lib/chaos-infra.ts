import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LocalInfra } from '../../apps/cli/src/infra/infra';
import { InfraLayout, infraLayout, kafkaBrokers, mongoUri } from '../../apps/cli/src/infra/infra-layout';
import { freePort, sleep } from '../../apps/cli/src/infra/processes';
import { provisionFerretDb, provisionKafka } from '../../apps/cli/src/infra/provision';

/**
 * A Kafka broker and a FerretDB of the chaos run's own: its own folder (`.local/chaos` unless
 * CHAOS_DIR), its own free ports, its own pid files. The default infrastructure (`.local`, 19092
 * and 27018, shared with whoever runs tests) is never started, stopped or signalled from here: the
 * built Kafka jars and FerretDB binary are provisioned there as `infra start` would (a no-op once
 * built) and only linked into this folder.
 */
export class ChaosInfra {
  private constructor(
    readonly layout: InfraLayout,
    private readonly infra: LocalInfra,
  ) {}

  static async create(log: (msg: string) => void): Promise<ChaosInfra> {
    const shared = infraLayout({});
    const root = resolve(process.env.CHAOS_DIR ?? join(shared.projectRoot, '.local', 'chaos'));
    const ports = { kafka: await freePort(), controller: await freePort(), mongo: await freePort() };
    const layout = infraLayout({
      INFRA_DIR: root,
      INFRA_KAFKA_PORT: String(ports.kafka),
      INFRA_KAFKA_CONTROLLER_PORT: String(ports.controller),
      INFRA_MONGO_PORT: String(ports.mongo),
    });
    if (
      layout.root === shared.root ||
      [layout.kafkaPort, layout.controllerPort, layout.mongoPort].some((p) => [shared.kafkaPort, shared.controllerPort, shared.mongoPort].includes(p))
    ) {
      throw new Error('the chaos run must not use the default infrastructure folder or ports');
    }
    // Built once in the shared cache (skipped when present), linked here: nothing is rebuilt.
    provisionKafka(shared, log);
    provisionFerretDb(shared, log);
    const infra = new LocalInfra(layout, log);
    // A fresh broker and store for every run (a previous run's servers, if left behind, are stopped first).
    await infra.stop();
    rmSync(join(root, 'kafka'), { recursive: true, force: true });
    rmSync(join(root, 'ferretdb'), { recursive: true, force: true });
    rmSync(layout.run, { recursive: true, force: true });
    for (const [from, to] of [
      [shared.kafkaLibs, layout.kafkaLibs],
      [shared.ferretBin, layout.ferretBin],
    ]) {
      mkdirSync(dirname(to), { recursive: true });
      if (!existsSync(to)) symlinkSync(from, to);
    }
    return new ChaosInfra(layout, infra);
  }

  get env(): { KAFKA_BROKERS: string; MONGODB_URI: string } {
    return { KAFKA_BROKERS: kafkaBrokers(this.layout), MONGODB_URI: mongoUri(this.layout) };
  }

  get logs(): { kafka: string; ferretdb: string } {
    return { kafka: this.infra.kafka.logFile, ferretdb: this.infra.ferret.logFile };
  }

  /** Starts whatever of the two is not running and waits until both answer. */
  start(): Promise<void> {
    return this.infra.start();
  }

  /**
   * The fault: `signal` to the server (SIGKILL by default: no shutdown, like a crash or an OOM
   * kill), `downMs` with it gone, then started again. Resolves once both servers answer again.
   */
  async restart(server: 'kafka' | 'ferretdb', downMs: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<{ killedAt: number; upAt: number }> {
    const process_ = server === 'kafka' ? this.infra.kafka : this.infra.ferret;
    const pid = process_.pid();
    if (pid === null) throw new Error(`${server} of the chaos run is not running`);
    const killedAt = Date.now();
    process.kill(pid, signal);
    while (process_.pid() !== null) await sleep(50);
    await sleep(downMs);
    await this.infra.start();
    return { killedAt, upAt: Date.now() };
  }

  async stop(): Promise<void> {
    await this.infra.stop();
  }
}
