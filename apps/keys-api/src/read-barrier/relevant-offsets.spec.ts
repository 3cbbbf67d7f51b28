import { RelevantOffsets } from './relevant-offsets';

const projections = new Map([
  ['device-keys', new Set(['DeviceKeysUploaded'])],
  ['one-time-keys', new Set(['OneTimeKeysClaimed', 'DeviceKeysUploaded'])],
]);
const at = (entries: [number, number][]) => new Map(entries.map(([p, o]) => [p, String(o)]));

/** A reader that began partition 0 at `from`, saw `events` (offset, type) there and advanced to `to`. */
function afterReading(from: number, events: [number, string | undefined][], to: number): RelevantOffsets {
  const relevant = new RelevantOffsets(projections);
  relevant.begin(0, BigInt(from));
  for (const [offset, type] of events) relevant.seen(0, BigInt(offset), type);
  relevant.advanced(0, BigInt(to));
  return relevant;
}

describe('RelevantOffsets', () => {
  it('counts the events a projection skips once it has applied the last one it handles', () => {
    const relevant = afterReading(
      10,
      [
        [10, 'DeviceKeysUploaded'],
        [11, 'OneTimeKeysClaimed'],
        [12, 'OneTimeKeysClaimed'],
      ],
      12,
    );
    expect(relevant.positions('device-keys', at([[0, 10]]))).toEqual(at([[0, 12]]));
    expect(relevant.positions('device-keys', at([[0, 9]]))).toEqual(at([[0, 9]])); // its own event at 10 not applied yet
    expect(relevant.positions('one-time-keys', at([[0, 11]]))).toEqual(at([[0, 11]]));
  });

  it('keeps the checkpoint where the events between it and where the reader began are unknown', () => {
    const relevant = afterReading(10, [[10, 'OneTimeKeysClaimed']], 10);
    expect(relevant.positions('device-keys', at([[0, 8]]))).toEqual(at([[0, 8]])); // offset 9 unknown
    expect(relevant.positions('device-keys', at([[0, 9]]))).toEqual(at([[0, 10]]));
    expect(relevant.positions('backups', at([[0, 9]]))).toEqual(at([[0, 9]])); // a projection it knows nothing of
    expect(relevant.positions('device-keys', at([[1, 3]]))).toEqual(at([[1, 3]])); // partition 1: not read here; 0: no checkpoint, 0-9 unknown
  });

  it('gives a position to a partition with no checkpoint yet when everything on it was skipped', () => {
    const relevant = afterReading(0, [[0, 'OneTimeKeysClaimed']], 0);
    expect(relevant.positions('device-keys', new Map())).toEqual(at([[0, 0]]));
    expect(relevant.positions('one-time-keys', new Map())).toEqual(new Map());
  });

  it('is not moved back by events passed on again (the reader restarted from an earlier offset)', () => {
    const relevant = afterReading(
      0,
      [
        [0, 'DeviceKeysUploaded'],
        [1, 'DeviceKeysUploaded'],
        [0, 'DeviceKeysUploaded'],
      ],
      1,
    );
    expect(relevant.positions('device-keys', at([[0, 0]]))).toEqual(at([[0, 0]]));
  });

  it('takes an event of unknown type as one every projection applies', () => {
    const relevant = afterReading(
      0,
      [
        [0, undefined],
        [1, 'OneTimeKeysClaimed'],
      ],
      1,
    );
    expect(relevant.positions('device-keys', new Map())).toEqual(new Map());
    expect(relevant.positions('device-keys', at([[0, 0]]))).toEqual(at([[0, 1]]));
  });

  it('forgets what it saw on a partition when the reader begins on it again', () => {
    const relevant = afterReading(0, [[3, 'DeviceKeysUploaded']], 5);
    relevant.begin(0, 20n);
    relevant.advanced(0, 25n);
    expect(relevant.positions('device-keys', at([[0, 18]]))).toEqual(at([[0, 18]]));
    expect(relevant.positions('device-keys', at([[0, 19]]))).toEqual(at([[0, 25]]));
  });
});
