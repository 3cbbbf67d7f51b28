import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Db } from 'mongodb';
import { JsonLogger, KafkaBus, MONGO_DB, Metrics, retryUntilReady } from '@app/platform';
import { PROJECTIONS, ProjectionRegistry } from '@app/read-models';
import { ProjectionRunner } from './projection-runner';
import { PROJECTOR_SETTINGS, ProjectorSettings } from '../projector-settings';

const VERSION_POLL_MS = 1000;

/**
 * Runs every projection on its active collection version, and moves a projection to a new
 * version when `replay` switches it (the new version's group offsets are set by replay).
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runners = new Map<string, ProjectionRunner>();
  private readonly registry: ProjectionRegistry;
  private timer?: NodeJS.Timeout;
  private switching = false;

  constructor(
    private readonly bus: KafkaBus,
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly metrics: Metrics,
    private readonly logger: JsonLogger,
    @Inject(PROJECTOR_SETTINGS) private readonly projectorSettings: ProjectorSettings,
  ) {
    this.registry = new ProjectionRegistry(db);
  }

  async onApplicationBootstrap(): Promise<void> {
    const log = (msg: string) => this.logger.write('warn', msg);
    await retryUntilReady('kafka topics', () => this.bus.ensureTopology(), log);
    await retryUntilReady('projections', () => this.syncVersions(), log);
    this.timer = setInterval(() => void this.syncVersions().catch((err) => log(`version check failed: ${(err as Error).message}`)), VERSION_POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.runners.values()].map((r) => r.stop()));
  }

  private async syncVersions(): Promise<void> {
    if (this.switching) return;
    this.switching = true;
    try {
      for (const projection of Object.values(PROJECTIONS)) {
        const active = await this.registry.active(projection.name);
        const running = this.runners.get(projection.name);
        if (running?.version === active) continue;
        await running?.stop();
        const runner = new ProjectionRunner(
          this.bus.kafka,
          this.db,
          this.bus.producer,
          this.bus.topics,
          projection,
          active,
          this.bus.settings,
          this.projectorSettings,
          this.metrics,
          this.logger,
        );
        await runner.start();
        this.runners.set(projection.name, runner);
      }
    } finally {
      this.switching = false;
    }
  }
}
