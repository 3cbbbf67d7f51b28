import { PositionVector } from '@app/contracts';

/** The use case: which users' devices changed, and who left, since a sync token. Through the QueryBus. */
export class KeyChangesRequest {
  constructor(
    readonly userId: string,
    readonly from: PositionVector,
    /** Waited for when given: everything up to it is included. */
    readonly to: PositionVector | null,
  ) {}
}

export interface KeyChangesResponse {
  readonly changed: string[];
  readonly left: string[];
}
