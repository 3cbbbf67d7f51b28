import { Length } from 'class-validator';
import { IsJsonObject, errcodeOf } from '../validation/matrix-validators';

/** PUT /sendToDevice/{eventType}/{txnId}: the path. (Longer than 255 bytes is refused for every route.) */
export class SendToDevicePathDto {
  @Length(1, 255, { message: 'Invalid event type', context: errcodeOf('M_INVALID_PARAM') }) eventType!: string;
}

/** The body (spec: client-server-api, "Send-to-Device messaging"); the map itself: `recipientMessagesOf`. */
export class SendToDeviceDto {
  @IsJsonObject({ message: 'messages must be an object' }) messages!: Record<string, unknown>;
}
