/** The use case: an operator lets a user replace their cross-signing keys without user-interactive auth. */
export class AllowCrossSigningReplacementRequest {
  constructor(
    readonly userId: string,
    readonly correlationId: string,
  ) {}
}

export interface AllowCrossSigningReplacementResponse {
  readonly updatable_without_uia_before_ms: number;
}
