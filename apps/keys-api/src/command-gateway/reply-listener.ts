import { Kafka } from 'kafkajs';
import { TopicNames, decodeReply } from '@app/contracts';
import { BatchConsumer, TopicAdmin } from '@app/kafka';
import { JsonLogger } from '@app/platform';
import { PendingReply, ReplyWaiters } from './reply-waiters';

/**
 * Each API instance reads e2ee.replies in a consumer group of its own (no rebalances with other
 * instances), starting at the end of the topic as it was at start-up, and hands each reply
 * addressed to it to the request waiting for it.
 */
export class ReplyListener {
  private readonly waiters = new ReplyWaiters();
  private consumer?: BatchConsumer;
  private readonly groupId: string;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: TopicAdmin,
    private readonly topics: TopicNames,
    private readonly instanceId: string,
    private readonly logger: JsonLogger,
    private readonly partitionsConcurrently: number,
  ) {
    this.groupId = `${topics.prefix}e2ee.keys-api.replies.${instanceId}`;
  }

  async start(): Promise<void> {
    // Positioning the private group before it joins means no reply sent after this point is missed.
    await this.admin.setGroupOffsets(this.groupId, this.topics.replies, await this.admin.endOffsets(this.topics.replies));
    this.consumer = new BatchConsumer(this.kafka, {
      groupId: this.groupId,
      topics: [this.topics.replies],
      fromBeginning: false,
      sessionTimeout: 30000,
      commits: 'never', // positioned at the end on every start (above)
      partitionsConcurrently: this.partitionsConcurrently,
      handle: async (batch) => {
        for (const message of batch.messages) {
          try {
            const reply = decodeReply(message.value);
            if (reply.replyTo === this.instanceId) this.waiters.deliver(reply);
          } catch (err) {
            this.logger.write('error', 'undecodable reply ignored', { offset: message.offset, reason: (err as Error).message });
          }
        }
      },
    });
    await this.consumer.start();
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    await this.admin.deleteGroup(this.groupId);
  }

  /** Registers interest before the command is sent, so a fast reply cannot be missed. */
  expect(commandId: string, timeoutMs: number): PendingReply {
    return this.waiters.expect(commandId, timeoutMs);
  }
}
