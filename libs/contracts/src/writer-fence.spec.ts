import { DomainEvent } from './events';
import { WriterFence, decodeFencePosition, encodeFencePosition, writerStarted } from './writer-fence';

const event = (writer?: string): DomainEvent =>
  ({
    id: 'e',
    type: 'DeviceDeleted',
    schemaVersion: 1,
    key: '@u:x',
    time: 1,
    correlationId: 'c',
    causationId: null,
    data: { userId: '@u:x', deviceId: 'D' },
    writer,
  }) as DomainEvent;

describe('WriterFence: which events of a partition stand', () => {
  it('before any marker every event stands (a log written before fencing)', () => {
    const fence = new WriterFence();
    expect(fence.admit(event(), 0)).toBe(true);
    expect(fence.admit(event('w1'), 1)).toBe(true);
  });

  it('after a marker only the current writer stands; a newer marker fences the previous writer', () => {
    const fence = new WriterFence();
    expect(fence.admit(writerStarted('A', 0), 0)).toBe(true);
    expect(fence.admit(event('A'), 1)).toBe(true);
    expect(fence.admit(event(), 2)).toBe(false); // names no writer
    expect(fence.admit(writerStarted('B', 0), 3)).toBe(true);
    expect(fence.admit(event('A'), 4)).toBe(false); // the previous owner, not yet aware
    expect(fence.admit(event('B'), 5)).toBe(true);
    expect(fence.current).toEqual({ writer: 'B', markerOffset: 3 });
  });

  it('resumes from a stored position exactly as a reader that read from the start', () => {
    const log = [writerStarted('A', 0), event('A'), writerStarted('B', 0), event('A'), event('B'), writerStarted('C', 0), event('B'), event('C')];
    const fromStart = new WriterFence();
    const verdicts = log.map((e, offset) => fromStart.admit(e, offset));
    for (let cut = 0; cut <= log.length; cut++) {
      const first = new WriterFence();
      log.slice(0, cut).forEach((e, offset) => first.admit(e, offset));
      const resumed = new WriterFence(decodeFencePosition(first.current ? encodeFencePosition(first.current) : null));
      expect(log.slice(cut).map((e, i) => resumed.admit(e, cut + i))).toEqual(verdicts.slice(cut));
    }
  });

  it('encodes positions so that string order is the markers’ log order ($max keeps the later one)', () => {
    const positions = [7, 10, 99, 100, 12345678].map((markerOffset, i) => encodeFencePosition({ writer: `w${9 - i}`, markerOffset }));
    expect([...positions].sort()).toEqual(positions);
    expect(decodeFencePosition(positions[2])).toEqual({ writer: 'w7', markerOffset: 99 });
    expect(decodeFencePosition(undefined)).toBeNull();
  });
});
