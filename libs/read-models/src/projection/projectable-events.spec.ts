import { DomainEvent } from '@app/contracts';
import { projectableEvents } from './projectable-events';
import { recorded } from './projection-harness';
import { PoisonedEvent } from './poisoned-events';
import { deviceKeysProjection } from '../device-keys/device-keys.projection';

const uploaded = (offset: number, userId = '@u:x') => recorded(offset, 'DeviceKeysUploaded', { userId, deviceId: 'D', keysJson: '{}' });
const claimed = recorded(2, 'OneTimeKeyClaimed', { userId: '@u:x', deviceId: 'D', algorithm: 'a', keyName: 'a:1', claimedBy: '@b:x|B' });
/** device-keys, except that one user's events have no computable document id. */
const unkeyable = {
  ...deviceKeysProjection,
  documentId: (event: DomainEvent) => {
    if ((event.data as { userId: string }).userId === '@bad:x') throw new Error('no id');
    return deviceKeysProjection.documentId(event);
  },
};

describe('the events of a batch that reach evolve', () => {
  it('are the ones the projection declares, in batch order', () => {
    expect(projectableEvents(deviceKeysProjection, [uploaded(1), claimed, uploaded(3)])).toEqual([uploaded(1), uploaded(3)]);
  });

  it('with a sink: leave out, and report, an event whose key throws', () => {
    const poisoned: PoisonedEvent[] = [];
    const bad = uploaded(2, '@bad:x');
    expect(projectableEvents(unkeyable, [uploaded(1), bad, uploaded(3)], (p) => poisoned.push(p))).toEqual([uploaded(1), uploaded(3)]);
    expect(poisoned).toEqual([{ recorded: bad, error: new Error('no id') }]);
  });

  it('without a sink: keep it (its key throws later, failing the batch) and compute no keys', () => {
    const documentId = jest.fn(unkeyable.documentId);
    expect(projectableEvents({ ...unkeyable, documentId }, [uploaded(1, '@bad:x')])).toHaveLength(1);
    expect(documentId).not.toHaveBeenCalled();
  });
});
