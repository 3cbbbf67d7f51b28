import { DeviceAnnouncer, DeviceSightings } from './device-sightings';

/** An announcer whose announcements stay open until the test settles them. */
class HeldAnnouncer implements DeviceAnnouncer {
  readonly calls: { userId: string; deviceId: string; resolve: () => void; reject: (err: Error) => void }[] = [];
  announce(userId: string, deviceId: string): Promise<void> {
    return new Promise((resolve, reject) => this.calls.push({ userId, deviceId, resolve, reject }));
  }
}

describe('DeviceSightings', () => {
  const errors: Error[] = [];
  /** The bounded wait, held too: a test ends it when it wants the request to give up waiting. */
  let waits: (() => void)[] = [];
  const setup = (kept?: number) => {
    const announcer = new HeldAnnouncer();
    const wait = () => new Promise<void>((resolve) => waits.push(resolve));
    return { announcer, sightings: new DeviceSightings(announcer, (e) => errors.push(e), kept, wait) };
  };
  beforeEach(() => (waits = []));
  beforeEach(() => (errors.length = 0));

  it('announces a device once, and the first request waits until the announcement is in the log', async () => {
    const { announcer, sightings } = setup();
    let done = false;
    const first = sightings.sighted('@a:x', 'D').then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    announcer.calls[0].resolve();
    await first;
    await sightings.sighted('@a:x', 'D');
    expect(announcer.calls.map((c) => [c.userId, c.deviceId])).toEqual([['@a:x', 'D']]);
  });

  it('shares one announcement between concurrent first requests', async () => {
    const { announcer, sightings } = setup();
    const both = Promise.all([sightings.sighted('@a:x', 'D'), sightings.sighted('@a:x', 'D')]);
    expect(announcer.calls).toHaveLength(1);
    announcer.calls[0].resolve();
    await both;
  });

  it('tells users and devices apart, even with separators in their ids', async () => {
    const { announcer, sightings } = setup();
    void sightings.sighted('@a:x', 'D|E');
    void sightings.sighted('@a:x|D', 'E');
    void sightings.sighted('@b:x', 'D|E');
    expect(announcer.calls).toHaveLength(3);
  });

  it('lets the request through when the announcement fails, and announces again on the next one', async () => {
    const { announcer, sightings } = setup();
    const first = sightings.sighted('@a:x', 'D');
    announcer.calls[0].reject(new Error('kafka down'));
    await first;
    expect(errors.map((e) => e.message)).toEqual(['kafka down']);
    const second = sightings.sighted('@a:x', 'D');
    expect(announcer.calls).toHaveLength(2);
    announcer.calls[1].resolve();
    await second;
  });

  it('lets the request go on when the announcement takes too long, and still remembers it once it lands', async () => {
    const { announcer, sightings } = setup();
    const first = sightings.sighted('@a:x', 'D');
    waits[0](); // Kafka is slow: the request stops waiting
    await first;
    const second = sightings.sighted('@a:x', 'D'); // shares the announcement still in flight
    expect(announcer.calls).toHaveLength(1);
    announcer.calls[0].resolve();
    await second;
    await sightings.sighted('@a:x', 'D');
    expect(announcer.calls).toHaveLength(1);
  });

  it('forgets the oldest devices beyond its bound, and announces a forgotten one again', async () => {
    const { announcer, sightings } = setup(2);
    for (const device of ['D1', 'D2', 'D3']) {
      const seen = sightings.sighted('@a:x', device);
      announcer.calls.at(-1)!.resolve();
      await seen;
    }
    await sightings.sighted('@a:x', 'D3');
    expect(announcer.calls).toHaveLength(3);
    const again = sightings.sighted('@a:x', 'D1');
    expect(announcer.calls).toHaveLength(4);
    announcer.calls[3].resolve();
    await again;
  });

  it('announces a deleted device again when its ID logs in anew, also when the deletion came while it was announced', async () => {
    const { announcer, sightings } = setup();
    const first = sightings.sighted('@a:x', 'D');
    announcer.calls[0].resolve();
    await first;
    sightings.forget('@a:x', 'D');
    const second = sightings.sighted('@a:x', 'D');
    sightings.forget('@a:x', 'D'); // deleted again while this announcement is out
    announcer.calls[1].resolve();
    await second;
    const third = sightings.sighted('@a:x', 'D');
    expect(announcer.calls).toHaveLength(3);
    announcer.calls[2].resolve();
    await third;
    await sightings.sighted('@a:x', 'D');
    expect(announcer.calls).toHaveLength(3);
  });
});
