import { HttpResult } from '../matrix-client';
import { AliceState } from './fixture';

export type Who = 'own' | 'other device' | 'other user';

/** One cell of the authorization matrix: a request as someone, and what it must answer. */
export interface Row {
  readonly endpoint: string;
  readonly who: Who;
  readonly what: string;
  readonly act: () => Promise<HttpResult>;
  readonly expected: { status: number; body?: unknown };
  /** A further read-back, for writes Alice's own reads would not show. */
  readonly check?: () => Promise<void>;
  /** Alice's state as the row leaves it, when the row may change it (by design); unchanged otherwise. */
  readonly aliceAfter?: (before: AliceState) => AliceState;
}

export const error = (status: number, errcode: string) => ({ status, body: { errcode, error: expect.any(String) } });
export const ok = (body?: unknown) => ({ status: 200, ...(body === undefined ? {} : { body }) });
export const keysPath = (path: string) => `/_matrix/client/v3/keys/${path}`;
export const changesPath = (from: string) => keysPath(`changes?from=${encodeURIComponent(from)}`);
