import { own, setOwn } from './own-entries';

const NAMES = ['constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

describe('own entries', () => {
  it.each(NAMES)('finds nothing under %s unless it was added', (name) => {
    expect(own({ a: 1 }, name)).toBeUndefined();
    expect(own(JSON.parse(`{${JSON.stringify(name)}: 2}`), name)).toBe(2);
  });

  it.each(NAMES)('adds %s as a plain entry that JSON shows', (name) => {
    const target: Record<string, unknown> = {};
    setOwn(target, name, { x: 1 });
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(JSON.stringify(target)).toBe(`{${JSON.stringify(name)}:{"x":1}}`);
  });
});
