import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandGateway } from '../command-gateway/command-gateway';
import { rejectionToMatrixError } from '../command-gateway/rejection-errors';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { RequestLimits } from '../rate-limits/request-limits';
import { SendToDeviceRequest } from './send-to-device.command';
import { recipientMessagesOf } from './to-device-messages';

/**
 * One DeliverToDevice command per recipient user, decided by that user's partition owner (which
 * expands `*` to the devices it knows). The command ids come from (sender, sender device, txn id,
 * recipient), so a retried request, on any instance, after any restart, queues nothing twice.
 * Resolves once every recipient's messages are queued.
 */
@CommandHandler(SendToDeviceRequest)
export class SendToDeviceHandler implements ICommandHandler<SendToDeviceRequest, Record<string, never>> {
  constructor(
    private readonly gateway: CommandGateway,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
    private readonly limits: RequestLimits,
  ) {}

  async execute({ requester, eventType, txnId, messages, correlationId }: SendToDeviceRequest): Promise<Record<string, never>> {
    const recipients = recipientMessagesOf(messages, this.settings.serverName);
    this.limits.admitToDevice(requester.userId); // after the checks, so a malformed request costs nothing
    const outcomes = await Promise.all(
      recipients.map(({ userId, messages: forUser }) =>
        this.gateway.execute(
          {
            id: JSON.stringify(['to-device', requester.userId, requester.deviceId ?? '', txnId, userId]),
            type: 'DeliverToDevice',
            data: { userId, sender: requester.userId, type: eventType, messages: forUser },
          },
          correlationId,
        ),
      ),
    );
    const refused = outcomes.find((o) => !o.ok);
    if (refused && !refused.ok) throw rejectionToMatrixError(refused.rejection);
    return {};
  }
}
