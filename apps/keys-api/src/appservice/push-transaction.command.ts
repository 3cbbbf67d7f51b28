/** The use case: the homeserver pushes room events (an application-service transaction). */
export class PushTransactionRequest {
  constructor(
    readonly txnId: string,
    readonly events: readonly unknown[],
    readonly correlationId: string,
  ) {}
}
