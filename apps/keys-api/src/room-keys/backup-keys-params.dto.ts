import { MatrixError } from '@app/matrix';
import { MatrixRule } from '../validation/matrix-validators';

/** `?version=` of the key endpoints: required, so 400 M_MISSING_PARAM (not M_BAD_JSON) without it. */
export class BackupKeysParamsDto {
  @MatrixRule((value) => {
    if (typeof value !== 'string' || value.length === 0) throw new MatrixError('M_MISSING_PARAM', 'The version query parameter is required');
  })
  version!: string;
}
