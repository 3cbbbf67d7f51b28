import { Outcome } from '@app/contracts';
import { rejectionToMatrixError } from '../command-gateway/rejection-errors';

/** A backup command's accepted outcome; a rejection becomes its Matrix error. */
export function outcomeOrError(outcome: Outcome): Outcome & { ok: true } {
  if (!outcome.ok) throw rejectionToMatrixError(outcome.rejection);
  return outcome;
}

/** What the key writes answer: the version's keys after the command. */
export interface BackupKeysResponse {
  readonly etag: string;
  readonly count: number;
}
