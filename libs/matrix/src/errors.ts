/** The Matrix error codes this server emits, with the HTTP status each one maps to by default. */
export const MATRIX_ERRORS = {
  M_BAD_JSON: 400,
  M_NOT_JSON: 400,
  M_INVALID_PARAM: 400,
  M_MISSING_PARAM: 400,
  M_INVALID_SIGNATURE: 400,
  M_TOO_LARGE: 413,
  M_MISSING_TOKEN: 401,
  M_UNKNOWN_TOKEN: 401,
  M_UNAUTHORIZED: 401,
  M_FORBIDDEN: 403,
  M_WRONG_ROOM_KEYS_VERSION: 403,
  M_NOT_FOUND: 404,
  M_UNRECOGNIZED: 404,
  M_LIMIT_EXCEEDED: 429,
  M_UNKNOWN: 500,
} as const;

export type MatrixErrcode = keyof typeof MATRIX_ERRORS;

export interface MatrixErrorBody {
  errcode: MatrixErrcode;
  error: string;
  [extra: string]: unknown;
}

/** A failure to be answered as a Matrix error; thrown at the edges only. */
export class MatrixError extends Error {
  constructor(
    readonly errcode: MatrixErrcode,
    message: string,
    readonly status: number = MATRIX_ERRORS[errcode],
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): MatrixErrorBody {
    return { errcode: this.errcode, error: this.message, ...this.extra };
  }

  /** Kafka or MongoDB unavailable, or no reply in time: the client should retry. */
  static unavailable(message: string, retryAfterSeconds = 1): MatrixError {
    return new MatrixError('M_UNKNOWN', message, 503, {}, { 'Retry-After': String(retryAfterSeconds) });
  }

  /** 429 as Synapse answers it: `retry_after_ms` in the body, `Retry-After` in whole seconds, rounded up. */
  static limitExceeded(message: string, retryAfterMs: number): MatrixError {
    const ms = Math.max(0, Math.ceil(retryAfterMs));
    return new MatrixError('M_LIMIT_EXCEEDED', message, 429, { retry_after_ms: ms }, { 'Retry-After': String(Math.ceil(ms / 1000)) });
  }
}

/**
 * A 401 user-interactive auth challenge: `{flows, params, session, completed}`. It carries
 * `errcode`/`error` only when a stage just failed (a first challenge with an errcode makes clients
 * show an error before the user did anything).
 */
export class AuthChallenge extends MatrixError {
  constructor(
    challenge: { flows: unknown[]; params: Record<string, unknown>; session: string; completed: string[] },
    private readonly failure?: { errcode: MatrixErrcode; error: string },
  ) {
    super(failure?.errcode ?? 'M_UNAUTHORIZED', failure?.error ?? 'Authentication required', 401, challenge);
  }

  override body(): MatrixErrorBody {
    return (this.failure ? { errcode: this.errcode, error: this.message, ...this.extra } : { ...this.extra }) as MatrixErrorBody;
  }
}
