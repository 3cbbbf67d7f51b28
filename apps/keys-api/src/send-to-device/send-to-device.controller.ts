import { Body, Controller, HttpCode, Inject, Param, Put, Req, UseGuards } from '@nestjs/common';
import { MatrixError } from '@app/matrix';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentRequester, Requester } from '../auth/requester';
import { clientPaths } from '../client-paths';
import { CommandGateway } from '../command-gateway/command-gateway';
import { rejectionToMatrixError } from '../command-gateway/rejection-errors';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { RequestLimits } from '../rate-limits/request-limits';
import { recipientMessagesOf } from './to-device-messages';

/**
 * PUT /sendToDevice/{eventType}/{txnId}: one DeliverToDevice command per recipient user, decided by
 * that user's partition owner (which expands `*` to the devices it knows). The command ids come
 * from (sender, sender device, txn id, recipient), so a retried request, on any instance, after
 * any restart, queues nothing twice. 200 once every recipient's messages are queued.
 */
@Controller()
@UseGuards(AccessTokenGuard)
export class SendToDeviceController {
  constructor(
    private readonly gateway: CommandGateway,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
    private readonly limits: RequestLimits,
  ) {}

  @Put(clientPaths('sendToDevice/:eventType/:txnId'))
  @HttpCode(200)
  async send(
    @CurrentRequester() requester: Requester,
    @Param('eventType') type: string,
    @Param('txnId') txnId: string,
    @Body() body: unknown,
    @Req() request: { id: string },
  ): Promise<Record<string, never>> {
    if (type.length === 0 || type.length > 255) throw new MatrixError('M_INVALID_PARAM', 'Invalid event type');
    const recipients = recipientMessagesOf(body, this.settings.serverName);
    this.limits.admitToDevice(requester.userId); // after the checks, so a malformed request costs nothing
    const outcomes = await Promise.all(
      recipients.map(({ userId, messages }) =>
        this.gateway.execute(
          {
            id: JSON.stringify(['to-device', requester.userId, requester.deviceId ?? '', txnId, userId]),
            type: 'DeliverToDevice',
            key: userId,
            data: { userId, sender: requester.userId, type, messages },
          },
          request.id,
        ),
      ),
    );
    const refused = outcomes.find((o) => !o.ok);
    if (refused && !refused.ok) throw rejectionToMatrixError(refused.rejection);
    return {};
  }
}
