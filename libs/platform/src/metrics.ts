import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process; created by the app module and injected where metrics are recorded. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly consumerLag = new Gauge({
    name: 'kafka_consumer_lag',
    help: 'Messages between the last handled offset and the high watermark, per partition',
    labelNames: ['group', 'topic', 'partition'],
    registers: [this.registry],
  });
  readonly eventsApplied = new Counter({
    name: 'projection_events_applied_total',
    help: 'Events that changed a read-model document',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  readonly commandsDecided = new Counter({
    name: 'commands_decided_total',
    help: 'Commands decided by the command-processor, by type and outcome',
    labelNames: ['type', 'outcome'],
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'messages_dead_lettered_total',
    help: 'Messages moved to the dead-letter topic, by source topic and what failed: decode, decide (a command) or evolve (a projection)',
    labelNames: ['topic', 'source'],
    registers: [this.registry],
  });

  readonly longPollsWaiting = new Gauge({
    name: 'sync_long_polls_waiting',
    help: 'Sync-extension requests waiting for a change (long-polls between their reads)',
    registers: [this.registry],
  });

  readonly toDeviceDropped = new Counter({
    name: 'to_device_dropped_total',
    help: 'To-device messages not queued because the device inbox was full (its owner never syncs)',
    registers: [this.registry],
  });

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
  }
}
