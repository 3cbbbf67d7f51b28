import { DomainEvent, encodeFencePosition, writerStarted } from '@app/contracts';
import { domainEvent } from '@app/testing';
import { ProjectorFences } from './projector-fences';

const by = (writer: string): DomainEvent => domainEvent('DeviceDeleted', { userId: '@u:x', deviceId: 'D' }, { key: '@u:x', writer });

describe('ProjectorFences', () => {
  it('goes on from the previous batch when the next one follows it', async () => {
    let loads = 0;
    const fences = new ProjectorFences(async () => (loads++, undefined));
    const first = await fences.forBatch(0, '0');
    first.admit(writerStarted('A', 0), 0);
    fences.applied(0, first, '0');
    const second = await fences.forBatch(0, '1');
    expect(second.admit(by('A'), 1)).toBe(true);
    expect(second.admit(by('Z'), 2)).toBe(false);
    expect(loads).toBe(1);
  });

  it('starts from the stored position when a batch does not follow (rebalance, retry), and forgets a failed batch', async () => {
    const stored = encodeFencePosition({ writer: 'B', markerOffset: 7 });
    const fences = new ProjectorFences(async () => stored);
    const failed = await fences.forBatch(0, '10');
    failed.admit(writerStarted('C', 0), 11); // the batch then fails: not applied
    const retried = await fences.forBatch(0, '10');
    expect(retried.admit(by('B'), 10)).toBe(true);
    expect(retried.admit(by('A'), 12)).toBe(false);
  });
});
