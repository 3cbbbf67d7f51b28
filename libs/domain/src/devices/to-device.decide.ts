import { AckToDeviceCommand, DeliverToDeviceCommand, DomainEvent, EventOf } from '@app/contracts';
import { own } from '@app/matrix';
import { Decision } from '../shared/decision';
import { APPLIED, eventOf } from '../shared/event-of';
import { DevicesState, TO_DEVICE_INBOX_LIMIT } from './devices.state';

/**
 * Queues each message in the inbox of its device: `*` means every device the recipient has now;
 * a device this server does not know is skipped. A full inbox drops the message (recorded, so that
 * it is counted). Sequence numbers count up per device, in the order the messages are decided.
 */
export function decideDeliverToDevice(state: DevicesState, command: DeliverToDeviceCommand): Decision {
  const { userId, sender, type, messages } = command.data;
  const events: DomainEvent[] = [];
  const inbox = new Map<string, { lastSeq: number; ackedSeq: number }>();
  for (const { deviceId, contentJson } of messages) {
    const targets = deviceId === '*' ? Object.keys(state.devices).sort() : own(state.devices, deviceId) ? [deviceId] : [];
    for (const target of targets) {
      const current = inbox.get(target) ?? own(state.devices, target)?.toDevice ?? { lastSeq: 0, ackedSeq: 0 };
      if (current.lastSeq - current.ackedSeq >= TO_DEVICE_INBOX_LIMIT) {
        events.push(eventOf<EventOf<'ToDeviceDropped'>>(command, events.length, 'ToDeviceDropped', { userId, deviceId: target, sender, type }));
        continue;
      }
      const seq = current.lastSeq + 1;
      inbox.set(target, { ...current, lastSeq: seq });
      events.push(eventOf<EventOf<'ToDeviceQueued'>>(command, events.length, 'ToDeviceQueued', { userId, deviceId: target, seq, sender, type, contentJson }));
    }
  }
  return { ok: true, events, result: APPLIED };
}

/** Acknowledges what the device has received; older or repeated acknowledgements change nothing. */
export function decideAckToDevice(state: DevicesState, command: AckToDeviceCommand): Decision {
  const { userId, deviceId, upToSeq } = command.data;
  const inbox = own(state.devices, deviceId)?.toDevice;
  if (!inbox || upToSeq <= inbox.ackedSeq) return { ok: true, events: [], result: APPLIED };
  const acked = Math.min(upToSeq, inbox.lastSeq);
  return { ok: true, events: [eventOf<EventOf<'ToDeviceAcked'>>(command, 0, 'ToDeviceAcked', { userId, deviceId, upToSeq: acked })], result: APPLIED };
}
