import { initialUserKeysState } from '@app/domain';
import { UserSnapshot } from './ports';
import { StoredOffsets } from './stored-offsets';

const at = (lastOffset: number): UserSnapshot => ({ state: initialUserKeysState(), lastOffset });

describe('StoredOffsets', () => {
  it('lets every folded state through before anything is stored (not an untouched initial one)', () => {
    const stored = new StoredOffsets();
    expect([
      ...stored
        .newer(
          new Map([
            ['@a', at(0)],
            ['@b', at(3)],
            ['@c', at(-1)],
          ]),
        )
        .keys(),
    ]).toEqual(['@a', '@b']);
  });

  it('leaves out states as old as or older than what this process stored (a catch-up after an eviction)', () => {
    const stored = new StoredOffsets();
    stored.record(new Map([['@a', at(7)]]));
    const newer = stored.newer(
      new Map([
        ['@a', at(5)],
        ['@b', at(3)],
      ]),
    );
    expect([...newer.keys()]).toEqual(['@b']);
    expect(stored.newer(new Map([['@a', at(7)]])).size).toBe(0);
    expect(stored.newer(new Map([['@a', at(8)]])).get('@a')?.lastOffset).toBe(8);
  });

  it('never moves a user back when an older write is recorded later', () => {
    const stored = new StoredOffsets();
    stored.record(new Map([['@a', at(9)]]));
    stored.record(new Map([['@a', at(4)]]));
    expect(stored.newer(new Map([['@a', at(6)]])).size).toBe(0);
  });
});
