import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { homeserverEventToCommand } from '@app/domain';
import { CommandGateway } from '../command-gateway/command-gateway';
import { PushTransactionRequest } from './push-transaction.command';
import { homeserverEventsOf } from './transaction-events';

/**
 * Done once the resulting commands are in Kafka (nobody waits for their outcome); a retried
 * transaction produces the same command ids, which the partition owners recognise.
 */
@CommandHandler(PushTransactionRequest)
export class PushTransactionHandler implements ICommandHandler<PushTransactionRequest, Record<string, never>> {
  constructor(private readonly gateway: CommandGateway) {}

  async execute({ txnId, events, correlationId }: PushTransactionRequest): Promise<Record<string, never>> {
    const commands = homeserverEventsOf(events).map((e) => homeserverEventToCommand(e, `txn:${txnId}:${correlationId}`));
    if (commands.length > 0) await this.gateway.submit(commands);
    return {};
  }
}
