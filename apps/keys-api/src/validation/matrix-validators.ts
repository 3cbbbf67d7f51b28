import { ValidationOptions, registerDecorator } from 'class-validator';
import { MatrixErrcode, MatrixError, isUserId } from '@app/matrix';

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function define(name: string, message: string, test: (value: unknown) => boolean, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} ${message}`, ...options },
      validator: { validate: test },
    });
}

/** `{ "<string>": "<string>" }` such as `keys`. */
export const IsStringMap = (options?: ValidationOptions) =>
  define('isStringMap', 'must be an object of strings', (v) => isPlainObject(v) && Object.values(v).every((x) => typeof x === 'string'), options);

/** `{ "<user id>": { "<key id>": "<signature>" } }`. */
export const IsSignatureMap = (options?: ValidationOptions) =>
  define(
    'isSignatureMap',
    'must be an object of objects of strings',
    (v) => isPlainObject(v) && Object.values(v).every((inner) => isPlainObject(inner) && Object.values(inner).every((x) => typeof x === 'string')),
    options,
  );

/** `{ "<user id>": ["<device id>", ...] }` as in /keys/query. */
export const IsStringArrayMap = (options?: ValidationOptions) =>
  define(
    'isStringArrayMap',
    'must be an object of arrays of strings',
    (v) => isPlainObject(v) && Object.values(v).every((list) => Array.isArray(list) && list.every((x) => typeof x === 'string')),
    options,
  );

/** A Matrix user id (`@localpart:server`, at most 255 characters). */
export const IsUserId = (options?: ValidationOptions) => define('isUserId', 'must be a user id', isUserId, options);

/** A JSON object (not an array, not null). */
export const IsJsonObject = (options?: ValidationOptions) => define('isJsonObject', 'must be a JSON object', isPlainObject, options);

/**
 * The Matrix error a failed constraint answers with (`validateBody` reads it from the constraint's
 * context); without one, M_BAD_JSON. E.g. `@Length(1, 255, { message, context: errcodeOf('M_INVALID_PARAM') })`.
 */
export interface MatrixErrorContext {
  readonly errcode?: MatrixErrcode;
  readonly status?: number;
  /** Set by MatrixRule: run again to throw the rule's own error. */
  readonly check?: (value: unknown, property: string) => void;
}

export const errcodeOf = (errcode: MatrixErrcode, status?: number): MatrixErrorContext => ({ errcode, status });

/**
 * A rule class-validator cannot express, kept as a function that throws the exact MatrixError
 * (errcode, text, status) the endpoint has always answered, e.g. a stream token that must decode.
 */
export const MatrixRule = (check: (value: unknown, property: string) => void) => (target: object, propertyName: string) =>
  registerDecorator({
    name: 'matrixRule',
    target: target.constructor,
    propertyName,
    options: { context: { check } satisfies MatrixErrorContext },
    validator: {
      // Never shown (the rule's own error is), but class-validator drops the context of an empty message.
      defaultMessage: () => `${propertyName} is invalid`,
      validate: (value: unknown) => {
        try {
          check(value, propertyName);
          return true;
        } catch (err) {
          if (err instanceof MatrixError) return false;
          throw err;
        }
      },
    },
  });
