import { IsArray } from 'class-validator';

/** One text for every malformed push, a non-object body too (as it has always been). */
export const PUSH_TRANSACTION_INVALID = 'events must be an array';

/** PUT /_matrix/app/v1/transactions/{txnId} (spec: application-service API, "Pushing events"). */
export class PushTransactionDto {
  /** Events this server cannot use are skipped, not refused: `homeserverEventsOf`. */
  @IsArray({ message: PUSH_TRANSACTION_INVALID }) events!: unknown[];
}
