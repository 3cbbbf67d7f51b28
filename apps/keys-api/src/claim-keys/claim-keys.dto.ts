import { IsInt, IsOptional, Min } from 'class-validator';
import { IsSignatureMap } from '../validation/matrix-validators';

/** POST /keys/claim (spec: client-server-api, "Claim one-time encryption keys"). */
export class ClaimKeysDto {
  /** `{ "<user id>": { "<device id>": "<algorithm>" } }`: the same shape as a signature map. */
  @IsSignatureMap({ message: 'one_time_keys must be an object of objects of algorithm names' }) one_time_keys!: Record<string, Record<string, string>>;
  @IsOptional() @IsInt() @Min(0) timeout?: number;
}

/** Documented limit: devices per /keys/claim request. */
export const MAX_CLAIMED_DEVICES = 1000;
