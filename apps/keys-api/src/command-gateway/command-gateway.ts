import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Outcome, RoutedCommand, encodeMessage } from '@app/contracts';
import { CommandBody, aggregateKeyOf } from '@app/domain';
import { MatrixError } from '@app/matrix';
import { JsonLogger, KafkaBus, retryUntilReady } from '@app/platform';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { ReplyListener } from './reply-listener';
import { outcomeOfReply } from './rejection-errors';

/**
 * A command to send: its type and data (the gateway keys it with `aggregateKeyOf`, the one place
 * that chooses a command's key); `id` only when the caller needs retries to be recognised (e.g. a client's txn id).
 */
type CommandDraft = CommandBody & { readonly id?: string };

/**
 * Sends a command to the partition owner and waits for its decided outcome. The outcome
 * arrives only after the command's events are acknowledged by Kafka. No reply in time:
 * 503 with Retry-After (the command may still be applied; a retry with the same body is safe).
 */
@Injectable()
export class CommandGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly replies: ReplyListener;
  private ready?: Promise<void>;

  constructor(
    private readonly bus: KafkaBus,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
    private readonly logger: JsonLogger,
  ) {
    this.replies = new ReplyListener(bus.kafka, bus.admin, bus.topics, settings.instanceId, logger, bus.settings.partitionsConcurrently);
  }

  /** Not awaited: the API serves (and answers 503 for writes) while Kafka is still unreachable. */
  onApplicationBootstrap(): void {
    const log = (msg: string) => this.logger.write('warn', msg);
    this.ready = retryUntilReady(
      'command gateway',
      async () => {
        await this.bus.ensureTopology();
        await this.replies.start();
      },
      log,
      Number.MAX_SAFE_INTEGER,
      () => this.stopped,
    );
    this.ready.then(() => (this.isReady = true)).catch(() => undefined);
  }

  private isReady = false;
  private stopped = false;

  /** Readiness: writes are possible only once this instance can receive replies. */
  assertReady(): void {
    if (!this.isReady) throw new Error('not yet receiving command replies');
  }

  /** Resolves once replies can be received; used by tests and readiness. */
  async whenReady(): Promise<void> {
    await this.ready;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.replies.stop().catch(() => undefined);
  }

  /** Sends commands nobody waits for (homeserver pushes); resolves once Kafka has them. */
  async submit(commands: readonly RoutedCommand[]): Promise<void> {
    try {
      await this.bus.producer.send(commands.map((c) => ({ topic: this.bus.topics.commands, key: c.key, value: encodeMessage(c), headers: { type: c.type } })));
    } catch (err) {
      this.logger.write('error', 'commands could not be sent', { err: (err as Error).message });
      throw MatrixError.unavailable('The event log is unavailable; try again shortly', 2);
    }
  }

  async execute(draft: CommandDraft, correlationId: string): Promise<Outcome> {
    if (!this.isReady) throw MatrixError.unavailable('The event log is not reachable yet; try again shortly', 2);
    const command = {
      ...draft,
      key: aggregateKeyOf(draft),
      id: draft.id ?? randomUUID(),
      schemaVersion: 1,
      time: Date.now(),
      correlationId,
      causationId: null,
      routing: { replyTo: this.settings.instanceId },
    };
    const pending = this.replies.expect(command.id, this.settings.commandTimeoutMs);
    try {
      await this.bus.producer.send([{ topic: this.bus.topics.commands, key: command.key, value: encodeMessage(command), headers: { type: command.type } }]);
    } catch (err) {
      pending.cancel();
      this.logger.write('error', 'command could not be sent', { err: (err as Error).message });
      throw MatrixError.unavailable('The event log is unavailable; try again shortly', 2);
    }
    return outcomeOfReply(await pending.reply);
  }
}
