import { booleanSetting, choiceSetting, optionalSetting, optionalUrlSetting, positiveNumberSetting, textSetting, wholeNumberSetting } from './env-settings';

describe('settings from the environment', () => {
  it('takes the default when a variable is unset or empty', () => {
    expect(wholeNumberSetting({}, 'N', 7)).toBe(7);
    expect(positiveNumberSetting({ R: '' }, 'R', 0.5)).toBe(0.5);
    expect(wholeNumberSetting({ N: ' ' }, 'N', 7)).toBe(7);
    expect(choiceSetting({ M: '' }, 'M', ['a', 'b'], 'a')).toBe('a');
    expect(booleanSetting({}, 'B', true)).toBe(true);
    expect(textSetting({}, 'T', 'x')).toBe('x');
    expect(optionalSetting({ O: '' }, 'O')).toBeNull();
    expect(optionalUrlSetting({}, 'U')).toBeNull();
  });

  it('takes valid values', () => {
    expect(wholeNumberSetting({ N: ' 42 ' }, 'N', 7, { min: 1, max: 100 })).toBe(42);
    expect(wholeNumberSetting({ N: '0' }, 'N', 7)).toBe(0);
    expect(positiveNumberSetting({ R: ' 0.25 ' }, 'R', 1)).toBe(0.25);
    expect(positiveNumberSetting({ R: '20' }, 'R', 1)).toBe(20);
    expect(choiceSetting({ M: 'b' }, 'M', ['a', 'b'], 'a')).toBe('b');
    expect(booleanSetting({ B: 'false' }, 'B', true)).toBe(false);
    expect(optionalSetting({ O: ' secret ' }, 'O')).toBe(' secret ');
    expect(optionalUrlSetting({ U: 'https://issuer.example/jwks' }, 'U')).toBe('https://issuer.example/jwks');
  });

  it.each([
    [() => wholeNumberSetting({ N: 'ten' }, 'N', 7, { meaning: 'milliseconds' }), 'N must be a whole number of milliseconds, at least 0; got "ten"'],
    [() => wholeNumberSetting({ N: '1.5' }, 'N', 7), 'N must be a whole number, at least 0; got "1.5"'],
    [() => wholeNumberSetting({ N: 'Infinity' }, 'N', 7), 'N must be a whole number, at least 0; got "Infinity"'],
    [() => wholeNumberSetting({ N: '1e3' }, 'N', 7), 'N must be a whole number, at least 0; got "1e3"'],
    [() => wholeNumberSetting({ N: '-1' }, 'N', 7), 'N must be a whole number, at least 0; got "-1"'],
    [() => wholeNumberSetting({ N: '99999999999999999999' }, 'N', 7), 'N must be a whole number, at least 0'],
    [
      () => wholeNumberSetting({ P: '70000' }, 'P', 80, { min: 0, max: 65535, meaning: 'a TCP port' }),
      'P must be a whole number of a TCP port, from 0 to 65535; got "70000"',
    ],
    [() => positiveNumberSetting({ R: '0' }, 'R', 1, 'requests per second'), 'R must be a number of requests per second, greater than 0; got "0"'],
    [() => positiveNumberSetting({ R: '0.0' }, 'R', 1), 'R must be a number, greater than 0; got "0.0"'],
    [() => positiveNumberSetting({ R: '-2' }, 'R', 1), 'R must be a number, greater than 0; got "-2"'],
    [() => positiveNumberSetting({ R: '1e3' }, 'R', 1), 'R must be a number, greater than 0; got "1e3"'],
    [() => positiveNumberSetting({ R: '.5' }, 'R', 1), 'R must be a number, greater than 0; got ".5"'],
    [() => positiveNumberSetting({ R: 'fast' }, 'R', 1), 'R must be a number, greater than 0; got "fast"'],
    [() => choiceSetting({ M: 'jtw' }, 'M', ['jwt', 'homeserver'], 'jwt'), 'M must be one of jwt, homeserver; got "jtw"'],
    [() => booleanSetting({ B: 'yes' }, 'B', false), 'B must be one of true, false; got "yes"'],
    [() => optionalUrlSetting({ U: 'issuer.example' }, 'U'), 'U must be an http(s) url; got "issuer.example"'],
  ])('refuses a bad value, naming the variable and what it allows (%#)', (parse, message) => {
    expect(parse).toThrow(message);
  });
});
