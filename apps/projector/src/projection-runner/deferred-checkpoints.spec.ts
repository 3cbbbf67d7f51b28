import { DeferredCheckpoints } from './deferred-checkpoints';

/** Deferred checkpoints with a 1 s delay whose saves are recorded as [partition, offset]. */
function recording(): { saves: [number, string][]; deferred: DeferredCheckpoints } {
  const saves: [number, string][] = [];
  return {
    saves,
    deferred: new DeferredCheckpoints(
      async (p, o) => void saves.push([p, o]),
      () => undefined,
      1000,
    ),
  };
}

describe('DeferredCheckpoints', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('saves the latest skipped position of each partition once the delay has passed, not before', async () => {
    const { saves, deferred } = recording();
    deferred.skipped(0, '5');
    deferred.skipped(0, '7');
    deferred.skipped(1, '3');
    jest.advanceTimersByTime(999);
    expect(saves).toEqual([]);
    jest.advanceTimersByTime(1);
    await Promise.resolve();
    expect(saves).toEqual([
      [0, '7'],
      [1, '3'],
    ]);
  });

  it('drops a pending position covered by a checkpoint saved after a batch that changed something', async () => {
    const { saves, deferred } = recording();
    deferred.skipped(0, '5');
    deferred.skipped(1, '9');
    deferred.saved(0, '6');
    deferred.saved(1, '8'); // older than the pending one: still due
    await deferred.flush();
    expect(saves).toEqual([[1, '9']]);
  });

  it('reports a failed save and tries it again after the delay', async () => {
    const failures: string[] = [];
    const saves: string[] = [];
    let down = true;
    const deferred = new DeferredCheckpoints(
      async (_p, o) => (down ? Promise.reject(new Error('store down')) : void saves.push(o)),
      (e) => failures.push(e.message),
      1000,
    );
    deferred.skipped(0, '1');
    await deferred.flush();
    expect(failures).toEqual(['store down']);
    down = false;
    jest.advanceTimersByTime(1000);
    await Promise.resolve();
    expect(saves).toEqual(['1']);
  });
});
