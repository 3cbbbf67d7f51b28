import { Allow, IsString, MinLength } from 'class-validator';
import { IsJsonObject } from '../validation/matrix-validators';

const ALGORITHM = 'algorithm must be a non-empty string';

/** POST /room_keys/version and PUT /room_keys/version/{version} (spec: "Server-side key backups"). */
export class BackupVersionDto {
  @IsString({ message: ALGORITHM }) @MinLength(1, { message: ALGORITHM }) algorithm!: string;
  @IsJsonObject({ message: 'auth_data must be an object' }) auth_data!: Record<string, unknown>;
  /** Only in an update, where it must match the path (checked by the handler). */
  @Allow() version?: unknown;
}
