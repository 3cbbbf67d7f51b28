import { IsInt, IsOptional, IsString, Min } from 'class-validator';
import { IsStringArrayMap } from '../validation/matrix-validators';

/** POST /keys/query (spec: client-server-api, "Download device identity keys"). */
export class QueryKeysDto {
  @IsStringArrayMap() device_keys!: Record<string, string[]>;
  @IsOptional() @IsInt() @Min(0) timeout?: number;
  @IsOptional() @IsString() token?: string;
}

/** Documented limit: users per /keys/query request. */
export const MAX_QUERY_USERS = 10_000;
