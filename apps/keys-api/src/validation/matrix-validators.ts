import { ValidationOptions, registerDecorator } from 'class-validator';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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

/** A JSON object (not an array, not null). */
export const IsJsonObject = (options?: ValidationOptions) => define('isJsonObject', 'must be a JSON object', isPlainObject, options);
