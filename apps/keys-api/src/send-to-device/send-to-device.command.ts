import { Requester } from '../auth/requester';

/** The use case: a device sends to-device messages (the body's `messages`, shape-checked). */
export class SendToDeviceRequest {
  constructor(
    readonly requester: Requester,
    readonly eventType: string,
    readonly txnId: string,
    readonly messages: Record<string, unknown>,
    readonly correlationId: string,
  ) {}
}
