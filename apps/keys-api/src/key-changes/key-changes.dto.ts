import { IsOptional } from 'class-validator';
import { IsStreamToken } from '../validation/is-stream-token';

/** GET /keys/changes?from=&to= (spec: client-server-api, "Query users with recent device key updates"). */
export class KeyChangesDto {
  @IsStreamToken() from!: string;
  @IsOptional() @IsStreamToken() to?: string;
}
