import { Body, Controller, HttpCode, Param, Put, Req, UseGuards } from '@nestjs/common';
import { MatrixError } from '@app/matrix';
import { homeserverEventToCommand } from '@app/contracts';
import { CommandGateway } from '../command-gateway/command-gateway';
import { HomeserverTokenGuard } from './homeserver-token.guard';
import { homeserverEventsOf } from './transaction-events';

/**
 * PUT /_matrix/app/v1/transactions/{txnId} (and the legacy /transactions/{txnId}): the homeserver
 * pushes room events. Answered 200 only once the resulting commands are in Kafka; a retried
 * transaction produces the same command ids, which the partition owners recognise.
 */
@Controller()
@UseGuards(HomeserverTokenGuard)
export class TransactionsController {
  constructor(private readonly gateway: CommandGateway) {}

  @Put(['_matrix/app/v1/transactions/:txnId', 'transactions/:txnId'])
  @HttpCode(200)
  async push(@Param('txnId') txnId: string, @Body() body: unknown, @Req() request: { id: string }): Promise<Record<string, never>> {
    const events = (body as { events?: unknown } | null)?.events;
    if (typeof body !== 'object' || body === null || !Array.isArray(events)) throw new MatrixError('M_BAD_JSON', 'events must be an array');
    const commands = homeserverEventsOf(events).map((e) => homeserverEventToCommand(e, `txn:${txnId}:${request.id}`));
    if (commands.length > 0) await this.gateway.submit(commands);
    return {};
  }
}
