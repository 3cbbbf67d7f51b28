import { ReadinessCheck } from '@app/platform';

/** Port: how many members a Kafka consumer group has right now (the admin API's describeGroups). */
export interface ConsumerGroupMembers {
  liveMembers(groupId: string): Promise<number>;
}

/** Long enough that a load balancer polling every second costs one admin call per few seconds. */
export const DECIDERS_CACHE_MS = 3000;

/**
 * Ready only while commands are being decided: the command-processor's consumer group has a live
 * member. Without one every write would wait COMMAND_TIMEOUT_MS for a 503, so a load balancer
 * should send writes elsewhere. A member that died is dropped by Kafka after its session timeout
 * (10 s); the answer is cached for DECIDERS_CACHE_MS, failures too.
 */
export class CommandDecidersCheck implements ReadinessCheck {
  readonly name = 'command-processors';
  private cached?: { at: number; result: Promise<void> };

  constructor(
    private readonly group: string,
    private readonly groups: ConsumerGroupMembers,
    private readonly now: () => number = Date.now,
    private readonly cacheMs = DECIDERS_CACHE_MS,
  ) {}

  check(): Promise<void> {
    const now = this.now();
    if (!this.cached || now - this.cached.at >= this.cacheMs) this.cached = { at: now, result: this.probe() };
    return this.cached.result;
  }

  private async probe(): Promise<void> {
    const members = await this.groups.liveMembers(this.group);
    if (members === 0) throw new Error(`no command-processor in consumer group ${this.group}: nothing decides commands`);
  }
}
