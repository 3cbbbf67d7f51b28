import { checkpointOwner, checkpointedProjection, declaredEvents } from './projection';
import { recorded } from './projection-harness';
import { deviceKeysProjection } from '../device-keys/device-keys.projection';

describe('checkpoint owners', () => {
  it('name their projection, and nothing else does', () => {
    expect(checkpointedProjection(checkpointOwner('device-lists', 3))).toBe('device-lists');
    expect(checkpointedProjection('command-processor')).toBeUndefined();
  });
});

describe('declared events', () => {
  const uploaded = recorded(1, 'DeviceKeysUploaded', { userId: '@u:x', deviceId: 'D', keysJson: '{}' });
  const claimed = recorded(2, 'OneTimeKeyClaimed', { userId: '@u:x', deviceId: 'D', algorithm: 'a', keyName: 'a:1', claimedBy: '@b:x|B' });

  it('are all of a batch that reaches a projection, typed to them', () => {
    expect(declaredEvents(deviceKeysProjection, [claimed, uploaded, claimed])).toEqual([uploaded]);
  });

  it('are all evolve accepts: tsc rejects another, and evolve throws on one that slips past it', () => {
    // @ts-expect-error OneTimeKeyClaimed is not one of device-keys' events (tsc fails if this stops being an error).
    const undeclared = () => deviceKeysProjection.evolve(null, claimed.event, { partition: 0, offset: 2 });
    expect(undeclared).toThrow('device-keys projection: unhandled OneTimeKeyClaimed');
  });
});
