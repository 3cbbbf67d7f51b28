import { RelevantOffsets } from './relevant-offsets';

const projections = new Map([
  ['device-keys', new Set(['DeviceKeysUploaded'])],
  ['one-time-keys', new Set(['OneTimeKeysClaimed', 'DeviceKeysUploaded'])],
]);
const at = (entries: [number, number][]) => new Map(entries.map(([p, o]) => [p, String(o)]));

describe('RelevantOffsets', () => {
  it('counts the events a projection skips once it has applied the last one it handles', () => {
    const relevant = new RelevantOffsets(projections);
    relevant.begin(0, 10n);
    relevant.seen(0, 10n, 'DeviceKeysUploaded');
    relevant.seen(0, 11n, 'OneTimeKeysClaimed');
    relevant.seen(0, 12n, 'OneTimeKeysClaimed');
    relevant.advanced(0, 12n);
    expect(relevant.positions('device-keys', at([[0, 10]]))).toEqual(at([[0, 12]]));
    expect(relevant.positions('device-keys', at([[0, 9]]))).toEqual(at([[0, 9]])); // its own event at 10 not applied yet
    expect(relevant.positions('one-time-keys', at([[0, 11]]))).toEqual(at([[0, 11]]));
  });

  it('keeps the checkpoint where the events between it and where the reader began are unknown', () => {
    const relevant = new RelevantOffsets(projections);
    relevant.begin(0, 10n);
    relevant.seen(0, 10n, 'OneTimeKeysClaimed');
    relevant.advanced(0, 10n);
    expect(relevant.positions('device-keys', at([[0, 8]]))).toEqual(at([[0, 8]])); // offset 9 unknown
    expect(relevant.positions('device-keys', at([[0, 9]]))).toEqual(at([[0, 10]]));
    expect(relevant.positions('backups', at([[0, 9]]))).toEqual(at([[0, 9]])); // a projection it knows nothing of
    expect(relevant.positions('device-keys', at([[1, 3]]))).toEqual(at([[1, 3]])); // partition 1: not read here; 0: no checkpoint, 0-9 unknown
  });

  it('gives a position to a partition with no checkpoint yet when everything on it was skipped', () => {
    const relevant = new RelevantOffsets(projections);
    relevant.begin(0, 0n);
    relevant.seen(0, 0n, 'OneTimeKeysClaimed');
    relevant.advanced(0, 0n);
    expect(relevant.positions('device-keys', new Map())).toEqual(at([[0, 0]]));
    expect(relevant.positions('one-time-keys', new Map())).toEqual(new Map());
  });

  it('is not moved back by events passed on again (the reader restarted from an earlier offset)', () => {
    const relevant = new RelevantOffsets(projections);
    relevant.begin(0, 0n);
    relevant.seen(0, 0n, 'DeviceKeysUploaded');
    relevant.seen(0, 1n, 'DeviceKeysUploaded');
    relevant.seen(0, 0n, 'DeviceKeysUploaded');
    relevant.advanced(0, 1n);
    expect(relevant.positions('device-keys', at([[0, 0]]))).toEqual(at([[0, 0]]));
  });

  it('takes an event of unknown type as one every projection applies', () => {
    const relevant = new RelevantOffsets(projections);
    relevant.begin(0, 0n);
    relevant.seen(0, 0n, undefined);
    relevant.seen(0, 1n, 'OneTimeKeysClaimed');
    relevant.advanced(0, 1n);
    expect(relevant.positions('device-keys', new Map())).toEqual(new Map());
    expect(relevant.positions('device-keys', at([[0, 0]]))).toEqual(at([[0, 1]]));
  });

  it('forgets what it saw on a partition when the reader begins on it again', () => {
    const relevant = new RelevantOffsets(projections);
    relevant.begin(0, 0n);
    relevant.seen(0, 3n, 'DeviceKeysUploaded');
    relevant.advanced(0, 5n);
    relevant.begin(0, 20n);
    relevant.advanced(0, 25n);
    expect(relevant.positions('device-keys', at([[0, 18]]))).toEqual(at([[0, 18]]));
    expect(relevant.positions('device-keys', at([[0, 19]]))).toEqual(at([[0, 25]]));
  });
});
