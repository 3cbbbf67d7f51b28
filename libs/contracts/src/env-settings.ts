/**
 * Parsing of the services' environment variables (each service's settings module calls these).
 * A value that is set but not allowed throws an error naming the variable, the allowed values and
 * what was given, so a typo stops the service at start instead of silently meaning the default.
 * An empty value counts as unset.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export interface WholeNumberRule {
  readonly min?: number;
  readonly max?: number;
  /** What the number counts, for the error message ("milliseconds", "partitions"). */
  readonly meaning?: string;
}

function given(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function refuse(env: Env, name: string, allowed: string): never {
  throw new Error(`${name} must be ${allowed}; got ${JSON.stringify(env[name])}`);
}

export function wholeNumberSetting(env: Env, name: string, fallback: number, rule: WholeNumberRule = {}): number {
  const raw = given(env, name);
  if (raw === undefined) return fallback;
  const min = rule.min ?? 0;
  const max = rule.max ?? Number.MAX_SAFE_INTEGER;
  const value = Number(raw);
  if (!/^-?[0-9]+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    refuse(env, name, `a whole number${rule.meaning ? ` of ${rule.meaning}` : ''}, ${range}`);
  }
  return value;
}

/** A number above 0 that may have a fraction ("0.5" requests per second); no exponents, no "Infinity". */
export function positiveNumberSetting(env: Env, name: string, fallback: number, meaning?: string): number {
  const raw = given(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(raw) || !Number.isFinite(value) || value <= 0)
    refuse(env, name, `a number${meaning ? ` of ${meaning}` : ''}, greater than 0`);
  return value;
}

export function choiceSetting<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = given(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) refuse(env, name, `one of ${allowed.join(', ')}`);
  return raw as T;
}

export function booleanSetting(env: Env, name: string, fallback: boolean): boolean {
  return choiceSetting(env, name, ['true', 'false'], fallback ? 'true' : 'false') === 'true';
}

export function textSetting(env: Env, name: string, fallback: string): string {
  return optionalSetting(env, name) ?? fallback;
}

/** Null when unset: the feature it configures is off. Kept as given (a secret may hold spaces). */
export function optionalSetting(env: Env, name: string): string | null {
  return given(env, name) === undefined ? null : env[name]!;
}

export function optionalUrlSetting(env: Env, name: string): string | null {
  const raw = given(env, name);
  if (raw === undefined) return null;
  if (!/^https?:\/\/[^\s]+$/.test(raw)) refuse(env, name, 'an http(s) url');
  return raw;
}
