import { declarativeApplier, projectionSpec, recorded } from './projection-harness';
import { PoisonedEvent, foldWithoutPoison } from './poisoned-events';
import { oneTimeKeysProjection } from '../one-time-keys/one-time-keys.projection';

const user = '@u:x';
const key = (k: string) => ({ keyName: `signed_curve25519:${k}`, json: '{}' });
const uploaded = (offset: number, keys: string[]) => recorded(offset, 'OneTimeKeysUploaded', { userId: user, deviceId: 'D', keys: keys.map(key) });
/** Of a declared type and decodable, but evolve throws on it: no key list. */
const poison = (offset: number) => recorded(offset, 'OneTimeKeysUploaded', { userId: user, deviceId: 'D' } as never);

describe('an event a projection cannot fold', () => {
  it('with a sink: is reported and skipped, and the rest of the batch is applied', async () => {
    const poisoned: PoisonedEvent[] = [];
    const docs = await projectionSpec(declarativeApplier(oneTimeKeysProjection, (p) => poisoned.push(p)))
      .given([uploaded(1, ['A']), poison(2), uploaded(3, ['B'])])
      .documents();
    expect(docs).toHaveLength(1);
    expect(docs[0].counts).toEqual([{ algorithm: 'signed_curve25519', count: 2 }]);
    expect(docs[0]._meta.offset).toBe(3);
    expect(poisoned.map((p) => p.recorded.offset)).toEqual(['2']);
    expect((poisoned[0].error as Error).message).toMatch(/reduce/);
  });

  it('without one: fails the batch, as a fold always did', async () => {
    await expect(
      projectionSpec(declarativeApplier(oneTimeKeysProjection))
        .given([uploaded(1, ['A']), poison(2)])
        .documents(),
    ).rejects.toThrow(/reduce/);
  });
});

describe('foldWithoutPoison: a custom projection’s whole-batch fold', () => {
  const event = (offset: number, bad = false) => recorded(offset, 'DeviceDeleted', { userId: user, deviceId: bad ? 'BAD' : `D${offset}` });
  const foldOffsets = (calls: number[]) => (batch: readonly { offset: string; event: { data: unknown } }[]) => {
    calls.push(batch.length);
    if (batch.some((e) => (e.event.data as { deviceId: string }).deviceId === 'BAD')) throw new Error('cannot fold');
    return batch.map((e) => e.offset);
  };

  it('folds once when nothing throws', () => {
    const calls: number[] = [];
    expect(foldWithoutPoison([event(1), event(2)], foldOffsets(calls), () => undefined).result).toEqual(['1', '2']);
    expect(calls).toEqual([2]);
  });

  it('with a sink: reports each event the fold throws on, once, and returns the fold of the others in order', () => {
    const poisoned: PoisonedEvent[] = [];
    const { result, events } = foldWithoutPoison([event(1), event(2, true), event(3), event(4, true)], foldOffsets([]), (p) => poisoned.push(p));
    expect(result).toEqual(['1', '3']);
    expect(events.map((e) => e.offset)).toEqual(['1', '3']);
    expect(poisoned.map((p) => p.recorded.offset)).toEqual(['2', '4']);
  });

  it('without one: the throw fails the batch', () => {
    expect(() => foldWithoutPoison([event(1), event(2, true)], foldOffsets([]))).toThrow('cannot fold');
  });
});
