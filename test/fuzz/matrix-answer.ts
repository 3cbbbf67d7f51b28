/** What the fuzzer saw for one request. */
export interface FuzzAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The property: never a 5xx; a 2xx is a JSON object; every 4xx has a Matrix error body (an `M_`
 * errcode and an error string), except a UIA challenge (401 with `flows`); a 429 also says when
 * to retry. Returns what is wrong, or null.
 */
export function matrixAnswerViolation(answer: FuzzAnswer): string | null {
  const body = parsed(answer.text);
  const { status } = answer;
  if (status >= 500) return `${status} (a server error)`;
  if (status >= 200 && status < 300) return isPlainObject(body) ? null : `${status} with a body that is not a JSON object`;
  if (status < 400 || status >= 500) return `unexpected status ${status}`;
  if (!isPlainObject(body)) return `${status} with a body that is not a JSON object`;
  if (status === 401 && Array.isArray(body.flows)) return null;
  if (typeof body.errcode !== 'string' || !/^M_[A-Z_]+$/.test(body.errcode) || typeof body.error !== 'string') return `${status} without a Matrix error body`;
  if (status === 429 && (typeof body.retry_after_ms !== 'number' || body.retry_after_ms <= 0)) return '429 without retry_after_ms';
  return null;
}
