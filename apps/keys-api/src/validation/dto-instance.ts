import { ValidateNested, getMetadataStorage } from 'class-validator';

type Constructor<T> = new () => T;

const nestedTypes = new Map<object, Map<string, () => Constructor<object>>>();

/** A property that holds another DTO: validated as one (ValidateNested) when it is a JSON object. */
export function NestedDto(type: () => Constructor<object>): PropertyDecorator {
  return (target, property) => {
    const byProperty = nestedTypes.get(target.constructor) ?? new Map<string, () => Constructor<object>>();
    byProperty.set(String(property), type);
    nestedTypes.set(target.constructor, byProperty);
    ValidateNested()(target, property);
  };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The DTO instance class-validator checks, built from the parsed body without class-transformer:
 * that one walks every nested map and breaks on keys such as `constructor` (a 500), and skips
 * `__proto__` and `constructor` entries, so it validated another object than the handler reads.
 * Only the DTO's declared properties are copied (as own data); maps are checked as they are.
 */
export function dtoInstance<T extends object>(dto: Constructor<T>, body: Record<string, unknown>): T {
  const instance = new dto();
  const declared = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(dto, '', true, false)
      .map((m) => m.propertyName),
  );
  for (const name of declared) {
    if (!Object.prototype.hasOwnProperty.call(body, name)) continue;
    const value = body[name];
    const nested = nestedTypes.get(dto)?.get(name);
    const copy = nested && isPlainObject(value) ? dtoInstance(nested(), value) : value;
    Object.defineProperty(instance, name, { value: copy, enumerable: true, writable: true, configurable: true });
  }
  return instance;
}
