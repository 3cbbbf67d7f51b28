import { Body, Controller, HttpCode, Param, Put, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { validateBody } from '../validation/validate-body';
import { HomeserverTokenGuard } from './homeserver-token.guard';
import { PUSH_TRANSACTION_INVALID, PushTransactionDto } from './push-transaction.dto';
import { PushTransactionRequest } from './push-transaction.command';

/** PUT /_matrix/app/v1/transactions/{txnId} (and the legacy /transactions/{txnId}): 200 once the commands are in Kafka. */
@Controller()
@UseGuards(HomeserverTokenGuard)
export class PushTransactionController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put(['_matrix/app/v1/transactions/:txnId', 'transactions/:txnId'])
  @HttpCode(200)
  async push(@Param('txnId') txnId: string, @Body() body: unknown, @Req() request: { id: string }): Promise<Record<string, never>> {
    validateBody(PushTransactionDto, body, PUSH_TRANSACTION_INVALID);
    return this.commandBus.execute(new PushTransactionRequest(txnId, (body as PushTransactionDto).events, request.id));
  }
}
