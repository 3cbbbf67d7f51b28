/**
 * Maps keyed by ids that come from outside (device ids, room ids, versions). A plain `record[id]`
 * finds Object.prototype members for ids like `constructor` or `toString`, and assigning to
 * `__proto__` changes the prototype instead of adding an entry: an id must only ever be an id.
 */
export function own<T>(record: Readonly<Record<string, T>> | undefined | null, key: string): T | undefined {
  return record != null && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** `target[key] = value` as an own data entry, whatever the key is named. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
