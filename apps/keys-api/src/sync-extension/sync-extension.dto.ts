import { IsOptional, Matches } from 'class-validator';
import { IsStreamToken } from '../validation/is-stream-token';
import { errcodeOf } from '../validation/matrix-validators';

/** GET /_keyserver/v1/sync?since=&timeout= (this server's own endpoint, for the homeserver or a sync proxy). */
export class SyncExtensionDto {
  @IsOptional() @IsStreamToken() since?: string;
  @IsOptional() @Matches(/^\d{1,9}$/, { message: 'timeout must be a number of milliseconds', context: errcodeOf('M_INVALID_PARAM') }) timeout?: string;
}
