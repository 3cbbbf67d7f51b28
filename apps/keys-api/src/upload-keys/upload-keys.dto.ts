import { IsArray, IsOptional, IsString, MinLength } from 'class-validator';
import { IsJsonObject, IsSignatureMap, IsStringMap } from '../validation/matrix-validators';
import { NestedDto } from '../validation/dto-instance';

export class DeviceKeysDto {
  @IsString() @MinLength(1) user_id!: string;
  @IsString() @MinLength(1) device_id!: string;
  @IsArray() @IsString({ each: true }) algorithms!: string[];
  @IsStringMap() keys!: Record<string, string>;
  @IsSignatureMap() signatures!: Record<string, Record<string, string>>;
}

/** POST /keys/upload (spec: client-server-api, "Upload end-to-end encryption keys"). */
export class UploadKeysDto {
  @IsOptional() @IsJsonObject() @NestedDto(() => DeviceKeysDto) device_keys?: DeviceKeysDto;
  @IsOptional() @IsJsonObject() one_time_keys?: Record<string, unknown>;
  @IsOptional() @IsJsonObject() fallback_keys?: Record<string, unknown>;
}
