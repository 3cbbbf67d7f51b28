import { Body, Controller, HttpCode, Param, Put, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentRequester, Requester } from '../auth/requester';
import { clientPaths } from '../client-paths';
import { BODY_NOT_AN_OBJECT, validateBody, validateParams } from '../validation/validate-body';
import { SendToDeviceDto, SendToDevicePathDto } from './send-to-device.dto';
import { SendToDeviceRequest } from './send-to-device.command';

/** PUT /sendToDevice/{eventType}/{txnId}: 200 once every recipient's messages are queued. */
@Controller()
@UseGuards(AccessTokenGuard)
export class SendToDeviceController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put(clientPaths('sendToDevice/:eventType/:txnId'))
  @HttpCode(200)
  async send(
    @CurrentRequester() requester: Requester,
    @Param('eventType') eventType: string,
    @Param('txnId') txnId: string,
    @Body() body: unknown,
    @Req() request: { id: string },
  ): Promise<Record<string, never>> {
    validateParams(SendToDevicePathDto, { eventType });
    validateBody(SendToDeviceDto, body, BODY_NOT_AN_OBJECT);
    return this.commandBus.execute(new SendToDeviceRequest(requester, eventType, txnId, (body as SendToDeviceDto).messages, request.id));
  }
}
