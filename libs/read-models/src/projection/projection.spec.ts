import { checkpointOwner, checkpointedProjection } from './projection';

describe('checkpoint owners', () => {
  it('name their projection, and nothing else does', () => {
    expect(checkpointedProjection(checkpointOwner('device-lists', 3))).toBe('device-lists');
    expect(checkpointedProjection('command-processor')).toBeUndefined();
  });
});
