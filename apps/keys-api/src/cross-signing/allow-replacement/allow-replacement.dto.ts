import { IsUserId, errcodeOf } from '../../validation/matrix-validators';

/** The text of both refusals: not a user id (here), or another server's (the handler). */
export const NOT_A_LOCAL_USER = 'Not a local user id';

/** POST /_synapse/admin/v1/users/{userId}/_allow_cross_signing_replacement_without_uia: the path. */
export class AllowReplacementPathDto {
  @IsUserId({ message: NOT_A_LOCAL_USER, context: errcodeOf('M_INVALID_PARAM', 400) }) userId!: string;
}
